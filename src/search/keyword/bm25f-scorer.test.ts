import { describe, expect, it } from 'vitest';
import { stem, tokenize } from '../text/tokenize.js';
import { scoreText, type QueryStems, type ScoredText } from './bm25f-scorer.js';

/** The plain definition: tokenize and stem every word of every field. */
function referenceScore(doc: ScoredText, query: QueryStems, withAbstract: boolean): number {
  const fields: Array<[string | null, number, number]> = [
    [doc.title, 5, 10],
    [doc.authors, 2, 8],
    [withAbstract ? doc.abstract : null, 1, 160],
  ];
  const weighted = query.groups.map(() => 0);
  for (const [text, weight, average] of fields) {
    const stems = text ? tokenize(text).map(stem) : [];
    if (stems.length === 0) continue;
    const norm = 1 - 0.75 + (0.75 * stems.length) / average;
    query.groups.forEach((g, i) => (weighted[i]! += (weight * stems.filter((s) => g.stems.has(s)).length) / norm));
  }
  return weighted.reduce((sum, w, i) => (w > 0 ? sum + query.groups[i]!.idf * ((w * 2.2) / (w + 1.2)) : sum), 0);
}

function queryOf(...words: string[][]): QueryStems {
  return { groups: words.map((alternatives, i) => ({ stems: new Set(alternatives.map(stem)), idf: 1 + i })) };
}

describe('scoreText', () => {
  const docs: ScoredText[] = [
    { seq: 1, title: 'Scaling Laws for Neural Language Models', abstract: 'We study empirical scaling laws for language model performance.', authors: 'Jared Kaplan, Sam McCandlish' },
    { seq: 2, title: 'Naïve Bayes café: modèles neuronaux', abstract: 'Modèles — neural networks, naive approaches.', authors: 'Zoë Müller, Łukasz Kaiser' },
    { seq: 3, title: 'GPT-4 Technical Report', abstract: null, authors: 'OpenAI' },
    { seq: 4, title: 'Networks, networking and NETWORKED systems (2nd ed.)', abstract: 'network_flow x2 networks', authors: '' },
    { seq: 5, title: 'résumé', abstract: 'Résumé parsing with neural nets é', authors: 'A. Ñandú' },
  ];
  const queries = [queryOf(['scaling'], ['laws']), queryOf(['neural', 'neuronal'], ['models']), queryOf(['network']), queryOf(['naive'], ['cafe']), queryOf(['gpt'], ['4']), queryOf(['resume'])];

  it('matches the plain tokenize-and-stem definition on ASCII and accented text', () => {
    for (const doc of docs) {
      for (const query of queries) {
        for (const withAbstract of [true, false]) {
          expect(scoreText(doc, query, { abstract: withAbstract })).toBeCloseTo(referenceScore(doc, query, withAbstract), 10);
        }
      }
    }
  });

  it('scores a paper with none of the words zero', () => {
    expect(scoreText(docs[2]!, queryOf(['diffusion']), { abstract: true })).toBe(0);
  });
});
