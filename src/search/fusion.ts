/**
 * Fusion of keyword relevance and semantic similarity into one ranking.
 *
 * Reciprocal rank fusion throws away how much better one result is than the
 * next, and only credits meaning to papers that happen to be among the
 * nearest neighbours — so a paper with every query word in its title could
 * sink below papers both engines only half like. Here each candidate gets a
 * convex combination of its two normalised scores (Bruch et al. 2023, "An
 * Analysis of Fusion Functions for Hybrid Retrieval"):
 *
 *   score = α · keyword / best keyword  +  (1 − α) · similarity / best similarity
 *
 * with the similarity known for every keyword candidate, not only the
 * neighbours. α is the confidence in the keyword evidence: when some papers
 * match every query word, the words are the strongest evidence and meaning
 * reorders among comparable keyword matches and fills in after them; when
 * none does (a paraphrase: only some words match), meaning leads.
 *
 * Papers with every query word in the title form a tier of their own, above
 * the rest (query/title-coverage.ts): meaning orders them among themselves
 * but does not lift other papers over them. Fused scores are below 2.
 */

export type Engine = 'keyword' | 'semantic';

export interface ScoredSeq {
  seq: number;
  score: number;
}

export interface FusionInput {
  /** Keyword hits, best first; the first `strictCount` match every query word. Absent in semantic-only mode. */
  keyword?: { hits: readonly ScoredSeq[]; strictCount: number };
  /** The nearest neighbours in meaning, best first: the papers meaning alone may add. */
  neighbours: readonly ScoredSeq[];
  /** Semantic similarity of keyword candidates (those without a vector are absent). */
  similarity: ReadonlyMap<number, number>;
  /** Keyword hits with every query word in the title. */
  titleMatches?: ReadonlySet<number>;
}

export interface FusedHit {
  seq: number;
  score: number;
  matchedBy: Engine[];
}

/** Keyword weight when some paper matches every query word. */
export const STRICT_KEYWORD_WEIGHT = 0.7;
/** Keyword weight when only some of the words match (the keyword engine widened to an OR). */
export const PARTIAL_KEYWORD_WEIGHT = 0.35;
const TITLE_TIER = 1;

export function keywordWeight(input: FusionInput): number {
  if (!input.keyword || input.keyword.hits.length === 0) return 0;
  const hasMeaning = input.neighbours.length > 0 || input.similarity.size > 0;
  if (!hasMeaning) return 1;
  return input.keyword.strictCount > 0 ? STRICT_KEYWORD_WEIGHT : PARTIAL_KEYWORD_WEIGHT;
}

function maxScore(scores: Iterable<number>): number {
  let best = 0;
  for (const s of scores) if (s > best) best = s;
  return best;
}

export function fuseScores(input: FusionInput): FusedHit[] {
  const alpha = keywordWeight(input);
  const keywordHits = input.keyword?.hits ?? [];
  // Scores are the engines' own; only their ratios to each engine's best matter.
  const bestKeyword = maxScore(keywordHits.map((h) => h.score));
  const bestSimilarity = Math.max(maxScore(input.neighbours.map((h) => h.score)), maxScore(input.similarity.values()));
  const keywordPart = (score: number) => (bestKeyword > 0 ? Math.max(0, score) / bestKeyword : 0);
  const semanticPart = (score: number | undefined) => (score !== undefined && bestSimilarity > 0 ? Math.max(0, score) / bestSimilarity : 0);

  const fused = new Map<number, FusedHit & { order: number }>();
  keywordHits.forEach((hit, order) => {
    const tier = input.titleMatches?.has(hit.seq) ? TITLE_TIER : 0;
    const score = tier + alpha * keywordPart(hit.score) + (1 - alpha) * semanticPart(input.similarity.get(hit.seq));
    fused.set(hit.seq, { seq: hit.seq, score, matchedBy: ['keyword'], order });
  });
  input.neighbours.forEach((hit, rank) => {
    const known = fused.get(hit.seq);
    if (known) {
      known.matchedBy.push('semantic');
      return;
    }
    const score = (1 - alpha) * semanticPart(hit.score);
    fused.set(hit.seq, { seq: hit.seq, score, matchedBy: ['semantic'], order: keywordHits.length + rank });
  });
  // Ties keep the engines' own order (keyword first): equal evidence, no reason to reshuffle.
  return [...fused.values()]
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .map(({ seq, score, matchedBy }) => ({ seq, score, matchedBy }));
}
