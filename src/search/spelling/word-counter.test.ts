import { describe, expect, it } from 'vitest';
import { WordCounter } from './word-counter.js';

describe('WordCounter', () => {
  it('counts each folded word once per paper, across title and abstract', () => {
    const counter = new WordCounter();
    counter.addPaper('Transformers for Transformers', 'Attention transformers; naïve attention.');
    counter.addPaper('Naive Bayes', null);
    const counts = counter.counts();
    expect(counts.get('transformers')).toBe(1);
    expect(counts.get('attention')).toBe(1);
    expect(counts.get('naive')).toBe(2);
    expect(counts.get('bayes')).toBe(1);
  });

  it('leaves out short words, very long tokens and bare numbers, but keeps words with digits', () => {
    const counter = new WordCounter();
    counter.addPaper(`An 2024 study of gpt4 on ${'x'.repeat(41)}`, '12345 of 3d');
    expect([...counter.counts().keys()].sort()).toEqual(['gpt4', 'study']);
  });
});
