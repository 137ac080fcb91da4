/** Ranking metrics for the relevance harness. */

/** nDCG@k with graded relevance (gain 2^grade − 1). */
export function ndcgAt(k: number, ranked: readonly string[], grades: ReadonlyMap<string, number>): number {
  const dcg = ranked.slice(0, k).reduce((sum, id, i) => sum + (2 ** (grades.get(id) ?? 0) - 1) / Math.log2(i + 2), 0);
  const ideal = [...grades.values()].sort((a, b) => b - a).slice(0, k);
  const idcg = ideal.reduce((sum, g, i) => sum + (2 ** g - 1) / Math.log2(i + 2), 0);
  return idcg === 0 ? 0 : dcg / idcg;
}

/** Share of the relevant papers (any grade) found in the first k. */
export function recallAt(k: number, ranked: readonly string[], grades: ReadonlyMap<string, number>): number {
  if (grades.size === 0) return 0;
  const top = new Set(ranked.slice(0, k));
  let found = 0;
  for (const id of grades.keys()) if (top.has(id)) found++;
  return found / grades.size;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}
