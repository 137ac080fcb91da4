/**
 * Hybrid search: one query, one ranking. Keyword relevance (BM25 over title,
 * abstract and authors, typo-expanded) and semantic similarity are fused by
 * reciprocal rank; an exact or navigational title match goes first.
 */
import { countPapers, findPaperById, findPapersBySeqs, type StoredPaper } from '../catalogue/paper-store.js';
import { titleKey } from '../catalogue/identifiers.js';
import type { Paper } from '../catalogue/paper.js';
import type { DatabaseHandle } from '../db/connection.js';
import { fuseRankings, type RankedList } from './fusion.js';
import { SqliteKeywordSearch } from './keyword/sqlite-keyword-search.js';
import { parseQuery, type SearchQuery, type SortOrder } from './query/search-query.js';
import { matchesQueryFilters } from './search-filters.js';
import { makeSnippet, snippetTerms } from './snippet.js';
import { SpellingCorrector } from './spelling/spelling-corrector.js';
import { loadActiveModel } from './semantic/vector-store.js';
import { loadVocabulary, updateVocabulary } from './spelling/vocabulary-store.js';
import { foldCase, tokenize } from './text/tokenize.js';

export type SearchMode = 'hybrid' | 'keyword' | 'semantic';

/** What search needs of the semantic index (src/search/semantic). */
export interface SemanticSearcher {
  readonly ready: boolean;
  readonly status: { papers: number; rebuilding: boolean };
  search(text: string, k: number): Array<{ seq: number; score: number }>;
  similarTo(seq: number, k: number): Array<{ seq: number; score: number }>;
  update(): Promise<number>;
  rebuild(): Promise<unknown>;
  persist(): Promise<void>;
  close(): Promise<void>;
}

export interface SearchRequest {
  q: string;
  limit: number;
  offset: number;
  mode?: SearchMode;
}

export interface SearchResultItem {
  id: string;
  title: string;
  authors: string[];
  published: string | null;
  categories: string[];
  codeUrls: string[];
  absUrl: string | null;
  score: number;
  /** HTML: escaped abstract excerpt with matches in <mark>. */
  snippet: string;
  matchedBy: Array<'keyword' | 'semantic' | 'title'>;
}

export interface SearchResponse {
  query: string;
  total: number;
  /** `total` is at least this many (counting stops at 10,000). */
  totalIsLowerBound: boolean;
  results: SearchResultItem[];
  /** Words searched with alternatives: typo corrections and spelling variants. */
  corrections: Record<string, string[]>;
  warnings: string[];
  mode: SearchMode;
  sort: SortOrder;
}

// Candidates each engine contributes before fusion; deep pages ask for more.
const MIN_CANDIDATES = 100;
const MAX_CANDIDATES = 1000;
// Semantic neighbours weaker than this share of the best one are noise, not results.
const SEMANTIC_RELATIVE_FLOOR = 0.6;
const TITLE_MATCH_BONUS = 1;
/** Papers matching every query word, from which keyword evidence counts as strong. */
const STRONG_KEYWORD_MATCHES = 10;
const SECONDARY_SEMANTIC_WEIGHT = 0.5;

export interface SearchServiceDeps {
  database: DatabaseHandle;
  semantic?: SemanticSearcher;
}

export class SearchService {
  private corrector = new SpellingCorrector([]);
  private paperCount = 0;
  private readonly keyword: SqliteKeywordSearch;

  private constructor(private readonly deps: SearchServiceDeps) {
    if (!deps.database.sqlite) throw new Error('search needs the SQLite full-text index (PostgreSQL search is not available yet)');
    this.keyword = new SqliteKeywordSearch(deps.database.sqlite);
  }

  static async open(deps: SearchServiceDeps): Promise<SearchService> {
    const service = new SearchService(deps);
    // Cheap when up to date: it only reads papers stored since the last update.
    await updateVocabulary(deps.database.db);
    await service.reloadVocabulary();
    return service;
  }

  private async reloadVocabulary(): Promise<void> {
    this.corrector = new SpellingCorrector(await loadVocabulary(this.deps.database.db, 1, 500_000));
    this.paperCount = await countPapers(this.deps.database.db);
  }

  /**
   * Brings search up to date with papers stored since the last refresh
   * (after ingests and harvests). New papers are embedded with the current
   * model; the model itself is retrained when there is none yet or the
   * catalogue has doubled since it was trained. Retraining runs in a worker
   * thread and searches keep answering from the old index meanwhile.
   */
  async refresh(): Promise<void> {
    await updateVocabulary(this.deps.database.db);
    await this.reloadVocabulary();
    const semantic = this.deps.semantic;
    if (!semantic || this.paperCount === 0) return;
    const trainedOn = await trainedPaperCount(this.deps.database.db);
    if (!semantic.ready || trainedOn === undefined || this.paperCount >= 2 * trainedOn) {
      await semantic.rebuild();
      await semantic.persist();
    } else if ((await semantic.update()) > 0) {
      await semantic.persist();
    }
  }

  async close(): Promise<void> {
    await this.deps.semantic?.close();
  }

  private expansions(query: SearchQuery): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const term of query.terms) {
      if (term.negated || term.kind !== 'word') continue;
      for (const word of tokenize(term.text)) {
        const alternatives = this.corrector.expand(word);
        if (alternatives.length > 0) out.set(word, alternatives);
      }
    }
    return out;
  }

  private semanticText(query: SearchQuery, expansions: Map<string, string[]>): string {
    const words = query.terms.filter((t) => !t.negated).flatMap((t) => tokenize(t.text));
    return words.flatMap((w) => [w, ...(expansions.get(w) ?? [])]).join(' ');
  }

  private keywordRanking(query: SearchQuery, expansions: Map<string, string[]>, depth: number) {
    return this.keyword.search(query, {
      limit: depth,
      sort: query.sort === 'newest' ? 'newest' : 'relevance',
      expansions,
      docCount: (w) => this.corrector.docCount(w),
      paperCount: this.paperCount,
    });
  }

  private async semanticRanking(query: SearchQuery, text: string, depth: number): Promise<StoredPaper[]> {
    const semantic = this.deps.semantic;
    if (!semantic?.ready || text.trim() === '') return [];
    const hits = semantic.search(text, depth);
    const best = hits[0]?.score ?? 0;
    const strong = hits.filter((h) => h.score > 0 && h.score >= best * SEMANTIC_RELATIVE_FLOOR);
    const papers = new Map((await findPapersBySeqs(this.deps.database.db, strong.map((h) => h.seq))).map((p) => [p.seq, p]));
    return strong.flatMap((h) => {
      const stored = papers.get(h.seq);
      return stored && matchesQueryFilters(stored.paper, query) ? [stored] : [];
    });
  }

  async search(request: SearchRequest): Promise<SearchResponse> {
    const query = parseQuery(request.q);
    const mode = request.mode ?? 'hybrid';
    const sort: SortOrder = query.sort ?? 'relevance';
    const warnings = [...query.warnings];
    if (sort === 'trending') warnings.push('sorting by trending is not available yet; sorted by relevance');
    const expansions = this.expansions(query);
    const depth = Math.min(MAX_CANDIDATES, Math.max(MIN_CANDIDATES, request.offset + request.limit));

    const lists: RankedList[] = [];
    let total = 0;
    let totalIsLowerBound = false;
    // When plenty of papers match every query word, the words are the best evidence and meaning
    // mostly reorders the tail; when few do (a paraphrase), meaning counts as much as words.
    let semanticWeight = 1;
    if (mode !== 'semantic') {
      const keyword = this.keywordRanking(query, expansions, depth);
      lists.push({ name: 'keyword', seqs: keyword.hits.map((h) => h.seq), weight: 1 });
      total = keyword.total;
      totalIsLowerBound = keyword.totalCapped;
      if (keyword.strictTotal >= STRONG_KEYWORD_MATCHES) semanticWeight = SECONDARY_SEMANTIC_WEIGHT;
    }
    const semantic = mode !== 'keyword' && sort !== 'newest' ? await this.semanticRanking(query, this.semanticText(query, expansions), depth) : [];
    if (semantic.length > 0) lists.push({ name: 'semantic', seqs: semantic.map((s) => s.seq), weight: semanticWeight });

    const fused = fuseRankings(lists);
    const keywordSeqs = new Set(lists.find((l) => l.name === 'keyword')?.seqs ?? []);
    total += fused.filter((f) => !keywordSeqs.has(f.seq)).length;
    const papers = new Map((await findPapersBySeqs(this.deps.database.db, fused.slice(0, depth).map((f) => f.seq))).map((p) => [p.seq, p.paper]));
    const ranked = this.finalOrder(fused, papers, query, sort);
    const terms = snippetTerms(query.terms.filter((t) => !t.negated).flatMap((t) => tokenize(t.text)).flatMap((w) => [w, ...(expansions.get(w) ?? [])]));
    const results = ranked
      .slice(request.offset, request.offset + request.limit)
      .map(({ paper, score, matchedBy }) => resultItem(paper, score, makeSnippet(paper.abstract, terms), matchedBy));
    return { query: request.q, total, totalIsLowerBound, results, corrections: Object.fromEntries(expansions), warnings, mode, sort };
  }

  /** Exact or navigational title matches ("AWQ" for "AWQ: Activation-aware …") go first; `newest` sorts by date. */
  private finalOrder(fused: ReturnType<typeof fuseRankings>, papers: Map<number, Paper>, query: SearchQuery, sort: SortOrder) {
    const text = titleKey(query.terms.filter((t) => !t.negated).map((t) => t.text).join(' '));
    const out = fused.flatMap((hit) => {
      const paper = papers.get(hit.seq);
      if (!paper) return [];
      const matchedBy: SearchResultItem['matchedBy'] = [...hit.matchedBy];
      let score = hit.score;
      if (text && isTitleMatch(paper.title, text)) {
        score += TITLE_MATCH_BONUS;
        matchedBy.unshift('title');
      }
      return [{ paper, score, matchedBy }];
    });
    if (sort === 'newest') return out.sort((a, b) => (b.paper.publishedAt ?? '').localeCompare(a.paper.publishedAt ?? ''));
    return out.sort((a, b) => b.score - a.score);
  }

  async similar(id: string, limit: number): Promise<{ paper: Paper; results: SearchResultItem[] } | undefined> {
    const stored = await findPaperById(this.deps.database.db, id);
    if (!stored) return undefined;
    const semantic = this.deps.semantic;
    let seqs: Array<{ seq: number; score: number }>;
    if (semantic?.ready) {
      seqs = semantic.similarTo(stored.seq, limit + 1).filter((h) => h.seq !== stored.seq);
    } else {
      // Without a semantic model, papers sharing the rarer title words are the best guess.
      const query = parseQuery(stored.paper.title);
      const keyword = this.keyword.search({ ...query, terms: query.terms.slice(0, 12) }, { limit: limit + 1, sort: 'relevance', expansions: new Map(), docCount: (w) => this.corrector.docCount(w), paperCount: this.paperCount });
      seqs = keyword.hits.filter((h) => h.seq !== stored.seq);
    }
    const papers = new Map((await findPapersBySeqs(this.deps.database.db, seqs.map((s) => s.seq))).map((p) => [p.seq, p.paper]));
    const results = seqs.slice(0, limit).flatMap(({ seq, score }) => {
      const paper = papers.get(seq);
      if (!paper) return [];
      return [resultItem(paper, score, makeSnippet(paper.abstract, { stems: new Set() }), [semantic?.ready ? 'semantic' : 'keyword'])];
    });
    return { paper: stored.paper, results };
  }
}

function resultItem(paper: Paper, score: number, snippet: string, matchedBy: SearchResultItem['matchedBy']): SearchResultItem {
  return {
    id: paper.id,
    title: paper.title,
    authors: paper.authors,
    published: paper.publishedAt,
    categories: paper.categories,
    codeUrls: paper.codeUrls,
    absUrl: paper.absUrl,
    score: Number(score.toFixed(6)),
    snippet,
    matchedBy,
  };
}

async function trainedPaperCount(db: DatabaseHandle['db']): Promise<number | undefined> {
  return (await loadActiveModel(db))?.paperCount;
}

function isTitleMatch(title: string, queryKey: string): boolean {
  if (titleKey(title) === queryKey) return true;
  const head = title.split(/:\s/)[0]!;
  return head !== title && titleKey(head) === queryKey && foldCase(head).length <= 40;
}
