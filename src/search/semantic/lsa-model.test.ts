import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CORPUS_PATH } from '../../config/paths.js';
import { contentTerms } from '../text/tokenize.js';
import { dot } from './embedder.js';
import { LsaModel, reservoirSample, trainLsa, type PaperText } from './lsa-model.js';
import { TermExtractor } from './terms.js';

/** The demo corpus as the seed parser reads it: banner lines, then title / abstract pairs. */
function demoPapers(): PaperText[] {
  const lines = readFileSync(DEMO_CORPUS_PATH, 'utf8').split('\n').slice(2);
  const papers: PaperText[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) papers.push({ title: lines[i]!.replace(/^Subscribe/, '').trim(), abstract: lines[i + 1]!.trim() });
  return papers;
}

const SPECULATIVE_DECODING = [
  'Speculative Decoding and Beyond: An In-Depth Survey of Techniques',
  'S2D: Sorted Speculative Decoding For More Efficient Deployment of Nested Large Language Models',
  'Improving Multi-candidate Speculative Decoding',
  'Medusa: Simple LLM Inference Acceleration Framework with Multiple Decoding Heads',
  'Scaling Laws for Speculative Decoding',
  'CORAL: Learning Consistent Representations across Multi-step Training with Lighter Speculative Drafter',
  'Recurrent Drafter for Fast Speculative Decoding in Large Language Models',
  'AdaEAGLE: Optimizing Speculative Decoding via Explicit Modeling of Adaptive Draft Structures',
  'Accelerating LLM Inference with Staged Speculative Decoding',
];

describe('LSA model on the demo corpus', () => {
  const papers = demoPapers();
  let model: LsaModel;
  let vectors: Float32Array[];

  const rank = (query: Float32Array, exclude = -1) =>
    vectors
      .map((v, i) => ({ i, score: dot(v, query) }))
      .filter((h) => h.i !== exclude)
      .sort((a, b) => b.score - a.score);

  beforeAll(() => {
    model = trainLsa(papers, { modelId: 'lsa-test' });
    vectors = papers.map((p) => model.embedPaper(p.title, p.abstract));
  });

  it('reads the corpus and caps dimensions below the number of papers', () => {
    expect(papers.length).toBe(273);
    for (const title of SPECULATIVE_DECODING) expect(papers.some((p) => p.title === title)).toBe(true);
    expect(model.dimensions).toBe(128);
    expect(trainLsa(papers.slice(0, 10)).dimensions).toBeLessThan(10);
  });

  it('embeds to unit vectors, and text with no known term to the zero vector', () => {
    for (const v of vectors.slice(0, 20)) expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    expect([...model.embed('qwxz zzyzx')].every((x) => x === 0)).toBe(true);
    expect([...model.embed('')].every((x) => x === 0)).toBe(true);
  });

  it('finds speculative-decoding papers from a paraphrase', () => {
    const top = rank(model.embed('draft tokens cheaply and verify them with the big model')).slice(0, 5);
    for (const hit of top) expect(SPECULATIVE_DECODING).toContain(papers[hit.i]!.title);
  });

  it('gives each speculative-decoding paper neighbours on the same topic', () => {
    // The survey's nearest neighbour is another survey (of resource-efficient LLMs): fair, but not this test's point.
    for (const title of SPECULATIVE_DECODING.filter((t) => !t.includes('Survey'))) {
      const i = papers.findIndex((p) => p.title === title);
      const top3 = rank(vectors[i]!, i).slice(0, 3).map((h) => papers[h.i]!);
      expect(`${top3[0]!.title} ${top3[0]!.abstract}`, title).toMatch(/speculative|draft|decoding|inference/i);
      expect(top3.filter((p) => SPECULATIVE_DECODING.includes(p.title)).length, title).toBeGreaterThanOrEqual(2);
    }
  });

  it('ranks diffusion papers first for a diffusion query without the word', () => {
    const top = rank(model.embed('making pictures from text descriptions by iterative denoising')).slice(0, 2);
    for (const hit of top) expect(`${papers[hit.i]!.title} ${papers[hit.i]!.abstract}`.toLowerCase()).toMatch(/diffusion/);
  });

  it('survives serialization with identical vectors', () => {
    const copy = LsaModel.deserialize(model.serialize());
    expect(copy.modelId).toBe('lsa-test');
    expect(copy.params).toEqual(model.params);
    for (const p of papers.slice(0, 30)) expect(copy.embedPaper(p.title, p.abstract)).toEqual(model.embedPaper(p.title, p.abstract));
    expect(() => LsaModel.deserialize(model.serialize().subarray(0, 1000))).toThrow(/corrupt|truncated/);
  });

  it('trains deterministically for a seed', () => {
    const again = trainLsa(papers, { modelId: 'lsa-test' });
    expect(again.embed('speculative decoding')).toEqual(model.embed('speculative decoding'));
  });
});

describe('helpers', () => {
  it('extracts the same terms as contentTerms', () => {
    const text = 'Speculative decoding: the drafts are verified by larger models, e.g. in 2024 — naïve résumé';
    expect(new TermExtractor().terms(text)).toEqual(contentTerms(text));
  });

  it('samples a reservoir uniformly and deterministically', () => {
    const items = Array.from({ length: 1000 }, (_, i) => i);
    const a = reservoirSample(items, 100, 3);
    expect(a).toHaveLength(100);
    expect(new Set(a).size).toBe(100);
    expect(reservoirSample(items, 100, 3)).toEqual(a);
    expect(a.filter((x) => x >= 500).length).toBeGreaterThan(25);
    expect(reservoirSample(items.slice(0, 5), 100)).toEqual([0, 1, 2, 3, 4]);
  });
});
