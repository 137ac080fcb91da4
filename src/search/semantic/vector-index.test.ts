import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { normalize } from './embedder.js';
import { createRandom, gaussian } from './linalg.js';
import { VectorIndex } from './vector-index.js';

const D = 16;

function randomVectors(n: number, seed: number): Float32Array {
  const v = Float32Array.from(gaussian(n * D, createRandom(seed)));
  for (let i = 0; i < n; i++) normalize(v.subarray(i * D, (i + 1) * D));
  return v;
}

/** Brute-force reference ranking. */
function exact(vectors: Float32Array, seqs: number[], query: Float32Array, k: number, keep: (seq: number) => boolean = () => true) {
  return seqs
    .map((seq, i) => ({ seq, score: vectors.subarray(i * D, (i + 1) * D).reduce((s, x, c) => s + x * query[c]!, 0) }))
    .filter((h) => keep(h.seq))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}

describe('VectorIndex (exact)', () => {
  const n = 300;
  const vectors = randomVectors(n, 1);
  const seqs = Array.from({ length: n }, (_, i) => 1000 + i * 3);
  const index = new VectorIndex(D);
  index.addBatch(seqs, vectors);
  const query = randomVectors(1, 99);

  it('returns exactly the brute-force top k, best first, with cosine scores', () => {
    expect(index.size).toBe(n);
    expect(index.approximate).toBe(false);
    const hits = index.search(query, 10);
    const want = exact(vectors, seqs, query, 10);
    expect(hits.map((h) => h.seq)).toEqual(want.map((h) => h.seq));
    hits.forEach((h, i) => expect(h.score).toBeCloseTo(want[i]!.score, 5));
  });

  it('finds a stored vector as its own best match', () => {
    expect(index.search(vectors.subarray(7 * D, 8 * D), 1)[0]).toMatchObject({ seq: seqs[7], score: expect.closeTo(1, 5) });
  });

  it('applies filters, and handles k beyond the size', () => {
    const odd = (seq: number) => seq % 2 === 1;
    expect(index.search(query, 5, odd).map((h) => h.seq)).toEqual(exact(vectors, seqs, query, 5, odd).map((h) => h.seq));
    expect(index.search(query, 10_000)).toHaveLength(n);
    expect(index.search(query, 0)).toEqual([]);
  });

  it('removes and replaces vectors', () => {
    const best = index.search(query, 1)[0]!.seq;
    expect(index.remove(best)).toBe(true);
    expect(index.remove(best)).toBe(false);
    expect(index.search(query, 50).map((h) => h.seq)).not.toContain(best);
    index.add(best, query);
    expect(index.search(query, 1)[0]).toMatchObject({ seq: best, score: expect.closeTo(1, 5) });
    expect(index.size).toBe(n);
    expect(index.vectorOf(best)).toEqual(query);
  });

  it('does not index zero vectors', () => {
    index.add(5, new Float32Array(D));
    expect(index.has(5)).toBe(false);
  });
});

describe('VectorIndex (HNSW graph)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-vi-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const n = 3000;
  const vectors = randomVectors(n, 2);
  const seqs = Array.from({ length: n }, (_, i) => i + 1);
  const index = new VectorIndex(D, { annThreshold: 1000 });
  index.addBatch(seqs, vectors);
  const queries = Array.from({ length: 50 }, (_, q) => randomVectors(1, 100 + q));

  const recall = (ix: VectorIndex) => {
    let hits = 0;
    for (const q of queries) {
      const want = new Set(exact(vectors, seqs, q, 10).map((h) => h.seq));
      hits += ix.search(q, 10).filter((h) => want.has(h.seq)).length;
    }
    return hits / (queries.length * 10);
  };

  it('builds a graph past the threshold and answers with high recall and exact scores', () => {
    expect(index.approximate).toBe(true);
    expect(recall(index)).toBeGreaterThan(0.95);
    const hits = index.search(queries[0]!, 20);
    for (let i = 1; i < hits.length; i++) expect(hits[i]!.score).toBeLessThanOrEqual(hits[i - 1]!.score);
  });

  it('filters, falling back to an exact scan when few candidates pass', () => {
    const rare = (seq: number) => seq % 500 === 0;
    expect(index.search(queries[1]!, 3, rare).map((h) => h.seq)).toEqual(exact(vectors, seqs, queries[1]!, 3, rare).map((h) => h.seq));
  });

  it('adds to and removes from the graph', () => {
    const extra = randomVectors(1, 555);
    index.add(99_999, extra);
    expect(index.search(extra, 1)[0]?.seq).toBe(99_999);
    index.remove(99_999);
    expect(index.search(extra, 5).map((h) => h.seq)).not.toContain(99_999);
  });

  it('saves and restores the graph with its vectors', () => {
    const path = join(dir, 'g.hnsw');
    expect(index.saveGraph(path)).toBe(true);
    const { seqs: s, vectors: v } = index.exportVectors();
    const copy = VectorIndex.restore(D, s, v, { annThreshold: 1000 }, path);
    expect(copy.approximate).toBe(true);
    expect(copy.size).toBe(index.size);
    for (const q of queries.slice(0, 5)) expect(copy.search(q, 10)).toEqual(index.search(q, 10));
  });
});
