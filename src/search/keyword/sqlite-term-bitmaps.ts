/**
 * Builds and keeps the in-memory term bitsets (term-bitmaps.ts) of an SQLite
 * catalogue from FTS5 itself, and answers the recent-matches scan of a match
 * that is a set formula of single tokens (query/token-match.ts) from them,
 * exactly: the sets give the matches among the papers they trust, FTS5 the
 * newer papers and the changed ones (token by token, one seek each).
 *
 * Every set is what FTS5 matched for one token (`{title abstract authors} :
 * "word"` or `search_tags : "tag"`), so no tokenizer of ours has to agree
 * with FTS5's. Kept: the stems (as FTS5 itself stems the vocabulary's words,
 * fts5-stems.ts) found in at least `minShare` of the papers, commonest first,
 * within a memory budget; the year and has-code tags; category tags once a
 * query asks for them. A rarer token of a query is read from FTS5 for that
 * query (up to 2% of the papers).
 *
 * Reading is done in ranges of seqs with a turn of the event loop between
 * them, into a new snapshot that replaces the old one when complete, so
 * searches keep answering (from FTS5 alone at first) while a build runs: at
 * a million synthetic papers, 2,147 sets (256 MB) in about 19 s.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import { HAS_CODE_TAG, yearTag } from '../../catalogue/search-tags.js';
import { preparedPerConnection } from '../../db/prepared-per-connection.js';
import { MIN_INDEXED_YEAR, singleTokenMatch } from '../query/fts-match.js';
import type { MatchToken, TokenMatch } from '../query/token-match.js';
import { addSeq, emptyBitset, highestSeqs, type SeqBitset } from './seq-bitset.js';
import { stemGroups } from './fts5-stems.js';
import { tagKey, TermBitmaps } from './term-bitmaps.js';

export interface TermBitmapOptions {
  /** Words in fewer papers than this share are left to FTS5 (a rare word makes its AND cheap). */
  minShare?: number;
  /** Memory the sets may take, in bytes (each takes one bit per paper). */
  maxBytes?: number;
  /** A full build replaces incremental updates once this share of the papers was added since the last. */
  rebuildShare?: number;
  /** …or once this many papers changed since (each is then checked in FTS5 by the queries it could answer). */
  rebuildAfterChanges?: number;
  /** Pruning: change log entries older than this are deleted by a full build (a build runs far more often). */
  changeLogDays?: number;
  log?: (message: string) => void;
}

/** What the sets need of the full-text index for papers they do not know or trust. */
export interface ExactMatcher {
  /** The match's papers above `afterSeq`, most recent first. */
  newerThan(afterSeq: number, limit: number): number[];
  /** Whether a paper holds a token (an FTS5 expression of one token): one seek in one posting list. */
  hasToken(expression: string, seq: number): boolean;
}

// Seqs read per statement while building: a statement takes milliseconds, then searches get a turn.
const RANGE = 1 << 17;
// A token without a set is read from FTS5 for the query when it is in at most this share of the
// papers (at least MIN_READ_NOW): ~150 ns a paper, a few milliseconds, still less than FTS5's walk
// of the query's other (common) words. A commoner one (an author's name, say) is left to FTS5.
const READ_NOW_SHARE = 0.02;
const MIN_READ_NOW = 2000;
// Changed papers checked per query, token by token in FTS5, before the sets give the query up to FTS5.
const MAX_CHANGED_CHECKS = 200;
// Vocabulary words stemmed per build to find the common stems.
const MAX_STEMMED_WORDS = 200_000;

/** A bound rowid as FTS5 can seek to it (see the statements). */
const INTEGER = 'CAST(? AS INTEGER)';

interface Statements {
  maxSeq: Database.Statement;
  words: Database.Statement;
  ftsDefinition: Database.Statement;
  lastChange: Database.Statement;
  changesAfter: Database.Statement;
  pruneChanges: Database.Statement;
  matching: Database.Statement;
  firstMatching: Database.Statement;
}

const statementsFor = preparedPerConnection(
  (sqlite): Statements => ({
    maxSeq: sqlite.prepare('SELECT max(seq) FROM papers').pluck(),
    words: sqlite.prepare('SELECT word, doc_count AS papers FROM search_vocabulary WHERE doc_count >= ? ORDER BY doc_count DESC, word LIMIT ?'),
    ftsDefinition: sqlite.prepare("SELECT sql FROM sqlite_master WHERE name = 'papers_fts'").pluck(),
    lastChange: sqlite.prepare('SELECT max(id) FROM papers_fts_text_changes').pluck(),
    changesAfter: sqlite.prepare('SELECT id, seq FROM papers_fts_text_changes WHERE id > ? ORDER BY id'),
    pruneChanges: sqlite.prepare("DELETE FROM papers_fts_text_changes WHERE changed_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?)"),
    // One JSON array per range: a row per match costs better-sqlite3 ~4x more than FTS5 finding it.
    // FTS5 seeks to a rowid bound only when it is an INTEGER; JavaScript numbers bind as REAL,
    // which FTS5 leaves to SQLite to check on every match (a whole posting list per range).
    matching: sqlite.prepare(`SELECT json_group_array(rowid) FROM papers_fts WHERE papers_fts MATCH ? AND rowid > ${INTEGER} AND rowid <= ${INTEGER}`).pluck(),
    firstMatching: sqlite.prepare(`SELECT json_group_array(rowid) FROM (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? AND rowid <= ${INTEGER} LIMIT ?)`).pluck(),
  }),
);

/** The FTS5 expression of one token of a match. */
function tokenExpression(token: MatchToken): string {
  return singleTokenMatch(token.column, token.token);
}

class Stopped extends Error {}

/** Whether a paper holding exactly the tokens `has` says it holds is in the match. */
function holds(match: TokenMatch, has: (token: MatchToken) => boolean): boolean {
  return match.all.every((any) => any.some(has)) && !match.none.some(has);
}

/** Two descending lists of distinct seqs as one. */
function mergeDescending(a: number[], b: number[]): number[] {
  if (b.length === 0) return a;
  return [...a, ...b].sort((x, y) => y - x);
}

export class SqliteTermBitmaps {
  private current: TermBitmaps | undefined;
  private building: Promise<void> | undefined;
  /** Scans answered through the bitsets, for tests and benchmarks. */
  answered = 0;
  /** Tags queries asked for that are not kept yet: added by the next update. */
  private readonly wanted = new Set<string>();
  private readonly statements: Statements;
  private closed = false;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly options: TermBitmapOptions = {},
  ) {
    this.statements = statementsFor(sqlite);
  }

  get ready(): boolean {
    return this.current !== undefined;
  }

  get snapshot(): TermBitmaps | undefined {
    return this.current;
  }

  /** Builds the sets when there are none or too much changed since; otherwise adds new papers and wanted tags. */
  async update(): Promise<void> {
    if (this.closed) return;
    this.building ??= this.updateNow()
      .catch((error: unknown) => {
        if (!(error instanceof Stopped)) throw error;
      })
      .finally(() => (this.building = undefined));
    return this.building;
  }

  /** Stops a build between two statements (the connection is about to close) and drops the sets. */
  async close(): Promise<void> {
    this.closed = true;
    await this.building;
    this.current = undefined;
  }

  private async updateNow(): Promise<void> {
    const maxSeq = Number(this.statements.maxSeq.get() ?? 0);
    const current = this.current;
    const added = current ? maxSeq - current.throughSeq : 0;
    const changed = current ? this.foldChanges(current) : 0;
    if (!current || added > Math.max(1000, maxSeq * (this.options.rebuildShare ?? 0.05)) || changed > (this.options.rebuildAfterChanges ?? 1000)) {
      this.current = await this.build(maxSeq);
      return;
    }
    if (maxSeq > current.throughSeq) await this.extend(current, maxSeq);
    const wanted = [...this.wanted].filter((tag) => !current.has(tagKey(tag)));
    this.wanted.clear();
    for (const tag of wanted) {
      const expression = tokenExpression({ column: 'tags', token: tag });
      current.add(tagKey(tag), expression, await this.read(expression, 0, current.throughSeq));
    }
  }

  private async build(maxSeq: number): Promise<TermBitmaps> {
    const started = performance.now();
    const changesThrough = Number(this.statements.lastChange.get() ?? 0);
    this.statements.pruneChanges.run(`-${this.options.changeLogDays ?? 1} days`);
    const next = new TermBitmaps(maxSeq, changesThrough);
    // The category tags the old sets kept (queries asked for them) are kept again.
    const asked = this.current?.keptTags() ?? [];
    const tags = [...this.tagTokens(), ...[...asked, ...this.wanted].map((token) => ({ column: 'tags' as const, token }))];
    this.wanted.clear();
    for (const tag of tags) if (!next.has(tagKey(tag.token))) next.add(tagKey(tag.token), tokenExpression(tag), await this.read(tokenExpression(tag), 0, maxSeq));
    const budget = Math.floor((this.options.maxBytes ?? 256 * 2 ** 20) / (maxSeq / 8 + 4)) - next.size;
    for (const group of budget > 0 ? await this.commonStems(maxSeq, budget) : []) {
      const key = `stem:${group.stem}`;
      const expression = tokenExpression({ column: 'text', token: group.words[0]! });
      next.add(key, expression, await this.read(expression, 0, maxSeq));
      for (const word of group.words) next.addWord(word, key);
    }
    this.options.log?.(`search: term bitsets of ${next.size} tokens over ${maxSeq} papers built in ${((performance.now() - started) / 1000).toFixed(1)} s (${(next.bytes / 2 ** 20).toFixed(0)} MB)`);
    return next;
  }

  /**
   * The stems FTS5 indexes the vocabulary's words under, commonest first (a stem's papers
   * estimated as the sum of its words'), at most `budget`, each with its words.
   */
  private async commonStems(maxSeq: number, budget: number) {
    const minPapers = Math.max(1, Math.ceil(maxSeq * (this.options.minShare ?? 0.002)));
    // Words far rarer than a kept stem hardly move its estimate; a bounded list is stemmed.
    const words = this.statements.words.all(Math.max(1, Math.floor(minPapers / 20)), MAX_STEMMED_WORDS) as Array<{ word: string; papers: number }>;
    const definition = String(this.statements.ftsDefinition.get() ?? '');
    const groups = await stemGroups(this.sqlite, definition, words);
    return groups.filter((g) => g.papers >= minPapers).slice(0, budget);
  }

  /** Adds papers stored since the sets were read: read beside them, then added at once (no query sees half). */
  private async extend(current: TermBitmaps, maxSeq: number): Promise<void> {
    const from = current.throughSeq;
    const added = new Map<string, { expression: string; seqs: number[] }>();
    for (const key of [...current.keys()]) {
      const expression = current.expressionOf(key)!;
      added.set(key, { expression, seqs: await this.read(expression, from, maxSeq) });
    }
    current.extendTo(maxSeq);
    for (const [key, { expression, seqs }] of added) current.add(key, expression, seqs);
  }

  private tagTokens(): MatchToken[] {
    const tags = [HAS_CODE_TAG];
    for (let year = MIN_INDEXED_YEAR; year <= new Date().getUTCFullYear() + 1; year++) tags.push(yearTag(year));
    return tags.map((token) => ({ column: 'tags', token }));
  }

  /** The seqs in (from, to] that FTS5 matches for an expression, a range per statement. */
  private async read(match: string, from: number, to: number): Promise<number[]> {
    const seqs: number[] = [];
    for (let low = from; low < to; low += RANGE) {
      if (this.closed) throw new Stopped();
      for (const seq of JSON.parse(this.statements.matching.get(match, low, Math.min(to, low + RANGE)) as string) as number[]) seqs.push(seq);
      await yieldToEventLoop();
    }
    return seqs;
  }

  /** Marks papers logged as changed since the snapshot last looked; the number now marked. */
  private foldChanges(snapshot: TermBitmaps): number {
    const rows = this.statements.changesAfter.all(snapshot.changesThrough) as Array<{ id: number; seq: number }>;
    if (rows.length > 0) snapshot.markChanged(rows.map((r) => r.seq), rows[rows.length - 1]!.id);
    return snapshot.changedCount;
  }

  /**
   * Up to `limit` matches of a token match, most recent first: the trusted bits
   * evaluated in memory, merged with what FTS5 says of newer and changed papers.
   * Undefined when the sets cannot answer cheaply (not built yet, a token too
   * common to read now but not kept, or too many changed papers): FTS5 scans.
   */
  recentMatches(match: TokenMatch, limit: number, exact: ExactMatcher): number[] | undefined {
    const snapshot = this.current;
    if (!snapshot) return undefined;
    this.want([...match.all.flat(), ...match.none]);
    this.foldChanges(snapshot);
    const sets = this.tokenSets(snapshot, match);
    if (!sets) return undefined;
    const out = exact.newerThan(snapshot.throughSeq, limit);
    if (out.length < limit) {
      const setOf = (token: MatchToken) => sets.get(tokenExpression(token))!;
      const formula = { all: match.all.map((any) => any.map(setOf)), none: [...match.none.map(setOf), snapshot.changedSet] };
      const trusted = highestSeqs(formula, snapshot.throughSeq, limit - out.length);
      // Changed papers below the last trusted one cannot enter the window (it is full without them).
      const floor = trusted.length === limit - out.length ? trusted[trusted.length - 1]! : 0;
      const changed = snapshot.changedSeqs().filter((seq) => seq > floor);
      if (changed.length > MAX_CHANGED_CHECKS) return undefined;
      const confirmed = changed.filter((seq) => holds(match, (t) => exact.hasToken(tokenExpression(t), seq)));
      out.push(...mergeDescending(trusted, confirmed).slice(0, limit - out.length));
    }
    this.answered++;
    return out;
  }

  /** Each token's set, by its expression: kept, or read now from FTS5 when it is rare enough (undefined otherwise). */
  private tokenSets(snapshot: TermBitmaps, match: TokenMatch): Map<string, SeqBitset> | undefined {
    const sets = new Map<string, SeqBitset>();
    const readLimit = Math.max(MIN_READ_NOW, Math.ceil(snapshot.throughSeq * READ_NOW_SHARE));
    for (const token of [...match.all.flat(), ...match.none]) {
      const expression = tokenExpression(token);
      if (sets.has(expression)) continue;
      const key = snapshot.keyFor(token);
      if (key !== undefined) {
        sets.set(expression, snapshot.setOf(key)!);
        continue;
      }
      const seqs = JSON.parse(this.statements.firstMatching.get(expression, snapshot.throughSeq, readLimit + 1) as string) as number[];
      if (seqs.length > readLimit) return undefined;
      const set = emptyBitset(snapshot.throughSeq);
      for (const seq of seqs) addSeq(set, seq);
      sets.set(expression, set);
    }
    return sets;
  }

  /** Category and archive tags are kept once asked for (there are a few hundred; most never are). */
  private want(tokens: MatchToken[]): void {
    for (const token of tokens) {
      if (token.column === 'tags' && !this.current?.has(tagKey(token.token))) this.wanted.add(token.token);
    }
  }
}
