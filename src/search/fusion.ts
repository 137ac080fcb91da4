/**
 * Reciprocal rank fusion of the keyword and semantic rankings (Cormack et
 * al. 2009): robust to the two engines' incomparable score scales, and a
 * paper both engines rank well rises above one only one of them likes.
 */

export interface RankedList {
  name: 'keyword' | 'semantic';
  seqs: readonly number[];
  weight: number;
}

export interface FusedHit {
  seq: number;
  score: number;
  matchedBy: Array<RankedList['name']>;
}

// The usual constant: dampens the difference between the very first ranks.
const RRF_K = 60;

export function fuseRankings(lists: readonly RankedList[]): FusedHit[] {
  const fused = new Map<number, FusedHit>();
  for (const list of lists) {
    list.seqs.forEach((seq, rank) => {
      const hit = fused.get(seq) ?? { seq, score: 0, matchedBy: [] };
      hit.score += list.weight / (RRF_K + rank + 1);
      hit.matchedBy.push(list.name);
      fused.set(seq, hit);
    });
  }
  return [...fused.values()].sort((a, b) => b.score - a.score || a.seq - b.seq);
}
