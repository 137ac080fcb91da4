/**
 * Hybrid search: one query, one ranking. Keyword relevance (BM25 over title,
 * abstract and authors, typo-expanded) and semantic similarity are fused by
 * a confidence-weighted combination of their scores (fusion.ts); an exact or
 * navigational title match goes first.
 */
import { countPapers, findPaperById, findPapersBySeqs } from '../catalogue/paper-store.js';
import { loadCandidatePapers, type CandidatePaper } from './candidate-store.js';
import { titleKey } from '../catalogue/identifiers.js';
import type { Paper } from '../catalogue/paper.js';
import type { DatabaseHandle } from '../db/connection.js';
import { fuseScores, type FusedHit, type FusionInput, type ScoredSeq } from './fusion.js';
import { openKeywordEngine, type KeywordEngine, type KeywordEngineOptions } from './keyword/keyword-engine.js';
import { parseQuery, type SearchQuery, type SortOrder } from './query/search-query.js';
import { queryWordStems, titleHasEveryWord } from './query/title-coverage.js';
import { matchesQueryFilters } from './search-filters.js';
import { makeSnippet, snippetTerms } from './snippet.js';
import { SpellingCorrector } from './spelling/spelling-corrector.js';
import { TrainingLease } from './semantic/training-lease.js';
import { activeModelSummary } from './semantic/vector-store.js';
import { loadVocabulary, updateVocabulary } from './spelling/vocabulary-store.js';
import { foldCase, tokenize } from './text/tokenize.js';

export type SearchMode = 'hybrid' | 'keyword' | 'semantic';

/** What search needs of the semantic index (src/search/semantic). */
export interface SemanticSearcher {
  readonly ready: boolean;
  readonly status: { papers: number; rebuilding: boolean; modelId?: string };
  search(text: string, k: number): Array<{ seq: number; score: number }>;
  /** Similarity of the text to each of these papers (papers without a vector left out). */
  similarities(text: string, seqs: readonly number[]): Map<number, number>;
  similarTo(seq: number, k: number): Array<{ seq: number; score: number }>;
  update(): Promise<number>;
  /** Loads the database's active model if another instance trained one since; true when it did. */
  followActiveModel(): Promise<boolean>;
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
  /** `total` is at least this many (counting stops past 500: keyword-passes.ts COUNT_CAP). */
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
export const MAX_CANDIDATES = 1000;
// Semantic neighbours weaker than this share of the best one are noise, not results.
const SEMANTIC_RELATIVE_FLOOR = 0.6;
// Fused scores are below 2: an exact or navigational title match goes before every other result.
const TITLE_MATCH_BONUS = 2;

export interface SearchServiceDeps {
  database: DatabaseHandle;
  semantic?: SemanticSearcher;
  /** In-memory structures of long-running processes (built by `refresh`, not by `open`). */
  keyword?: KeywordEngineOptions;
}

export class SearchService {
  private corrector = new SpellingCorrector([]);
  private paperCount = 0;
  private readonly keyword: KeywordEngine;
  private readonly training: TrainingLease;

  private constructor(private readonly deps: SearchServiceDeps) {
    this.keyword = openKeywordEngine(deps.database, deps.keyword);
    this.training = new TrainingLease(deps.database.db);
  }

  static async open(deps: SearchServiceDeps): Promise<SearchService> {
    const service = new SearchService(deps);
    // Cheap when up to date: they only read papers stored since the last update.
    await updateVocabulary(deps.database.db);
    await service.keyword.refresh();
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
    const db = this.deps.database.db;
    await updateVocabulary(db);
    await this.keyword.refresh();
    await this.reloadVocabulary();
    await this.keyword.maintain?.();
    const semantic = this.deps.semantic;
    if (!semantic || this.paperCount === 0) return;
    // Another instance on this database may have trained a newer model: serve that one.
    if (await semantic.followActiveModel()) await semantic.persist();
    const active = await activeModelSummary(db);
    if (!semantic.ready || active === undefined || this.paperCount >= 2 * active.paperCount) {
      // One instance trains for all (training-lease.ts); the others follow its model once it is active.
      const trained = await this.training.runAlone(() => semantic.rebuild());
      if (trained) await semantic.persist();
    } else if (semantic.status.modelId === active.id && (await semantic.update()) > 0) {
      await semantic.persist();
    }
  }

  async close(): Promise<void> {
    await this.keyword.close?.();
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

  private async keywordRanking(query: SearchQuery, expansions: Map<string, string[]>, depth: number) {
    return await this.keyword.search(query, {
      limit: depth,
      sort: query.sort === 'newest' ? 'newest' : 'relevance',
      expansions,
      docCount: (w) => this.corrector.docCount(w),
      paperCount: this.paperCount,
    });
  }

  /** Adds to `papers` the candidates of `seqs` it does not hold yet (their ranking fields only). */
  private async loadPapers(papers: Map<number, CandidatePaper>, seqs: readonly number[]): Promise<void> {
    await loadCandidatePapers(this.deps.database, seqs, papers);
  }

  /** The shown page's papers in full, in its order. */
  private async pagePapers(seqs: readonly number[]): Promise<Map<number, Paper>> {
    return new Map((await findPapersBySeqs(this.deps.database.db, seqs)).map((p) => [p.seq, p.paper]));
  }

  /** The nearest neighbours in meaning that obey the query's filters and exclusions (their papers land in `papers`). */
  private async semanticNeighbours(query: SearchQuery, text: string, depth: number, papers: Map<number, CandidatePaper>): Promise<ScoredSeq[]> {
    const semantic = this.deps.semantic;
    if (!semantic?.ready || text.trim() === '') return [];
    const hits = semantic.search(text, depth);
    const best = hits[0]?.score ?? 0;
    const strong = hits.filter((h) => h.score > 0 && h.score >= best * SEMANTIC_RELATIVE_FLOOR);
    await this.loadPapers(papers, strong.map((h) => h.seq));
    return strong.filter((h) => {
      const paper = papers.get(h.seq);
      return paper !== undefined && matchesQueryFilters(paper, query);
    });
  }

  /** Strict keyword hits with every query word in the title: the tier meaning does not reorder across. */
  private async titleMatches(query: SearchQuery, expansions: Map<string, string[]>, keyword: NonNullable<FusionInput['keyword']>, papers: Map<number, CandidatePaper>): Promise<Set<number>> {
    const strict = keyword.hits.slice(0, keyword.strictCount).map((h) => h.seq);
    await this.loadPapers(papers, strict);
    const words = queryWordStems(query, expansions);
    return new Set(strict.filter((seq) => titleHasEveryWord(papers.get(seq)?.title ?? '', words)));
  }

  async search(request: SearchRequest): Promise<SearchResponse> {
    const query = parseQuery(request.q);
    const mode = request.mode ?? 'hybrid';
    const sort: SortOrder = query.sort ?? 'relevance';
    const warnings = [...query.warnings];
    if (sort === 'trending') warnings.push('sorting by trending is not available yet; sorted by relevance');
    const expansions = this.expansions(query);
    const depth = Math.min(MAX_CANDIDATES, Math.max(MIN_CANDIDATES, request.offset + request.limit));

    const input: FusionInput = { neighbours: [], similarity: new Map() };
    const papers = new Map<number, CandidatePaper>();
    let total = 0;
    let totalIsLowerBound = false;
    if (mode !== 'semantic') {
      const keyword = await this.keywordRanking(query, expansions, depth);
      input.keyword = { hits: keyword.hits, strictCount: Math.min(keyword.strictTotal, keyword.hits.length) };
      total = keyword.total;
      totalIsLowerBound = keyword.totalCapped;
    }
    if (mode !== 'keyword' && sort !== 'newest') {
      const text = this.semanticText(query, expansions);
      input.neighbours = await this.semanticNeighbours(query, text, depth, papers);
      if (input.keyword && this.deps.semantic?.ready) {
        input.similarity = this.deps.semantic.similarities(text, input.keyword.hits.map((h) => h.seq));
        input.titleMatches = await this.titleMatches(query, expansions, input.keyword, papers);
      }
    }

    const fused = fuseScores(input);
    total += fused.filter((f) => !f.matchedBy.includes('keyword')).length;
    await this.loadPapers(papers, fused.slice(0, depth).map((f) => f.seq));
    const page = this.finalOrder(fused, papers, query, sort).slice(request.offset, request.offset + request.limit);
    const full = await this.pagePapers(page.map((r) => r.seq));
    const terms = snippetTerms(query.terms.filter((t) => !t.negated).flatMap((t) => tokenize(t.text)).flatMap((w) => [w, ...(expansions.get(w) ?? [])]));
    const results = page.flatMap(({ seq, score, matchedBy }) => {
      const paper = full.get(seq);
      return paper ? [resultItem(paper, score, makeSnippet(paper.abstract, terms), matchedBy)] : [];
    });
    return { query: request.q, total, totalIsLowerBound, results, corrections: Object.fromEntries(expansions), warnings, mode, sort };
  }

  /** Exact or navigational title matches ("AWQ" for "AWQ: Activation-aware …") go first; `newest` sorts by date. */
  private finalOrder(fused: FusedHit[], papers: Map<number, CandidatePaper>, query: SearchQuery, sort: SortOrder) {
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
      return [{ seq: hit.seq, paper, score, matchedBy }];
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
      const keyword = await this.keyword.search({ ...query, terms: query.terms.slice(0, 12) }, { limit: limit + 1, sort: 'relevance', expansions: new Map(), docCount: (w) => this.corrector.docCount(w), paperCount: this.paperCount });
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

function isTitleMatch(title: string, queryKey: string): boolean {
  if (titleKey(title) === queryKey) return true;
  const head = title.split(/:\s/)[0]!;
  return head !== title && titleKey(head) === queryKey && foldCase(head).length <= 40;
}
