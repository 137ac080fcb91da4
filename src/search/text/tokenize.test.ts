import { describe, expect, it } from 'vitest';
import { foldCase, stem, tokenize } from './tokenize.js';

describe('tokenize', () => {
  it('folds case and accents and splits on anything but letters and digits', () => {
    expect(tokenize('Ünïcode-aware BERT: résumé, 3D naïveté')).toEqual(['unicode', 'aware', 'bert', 'resume', '3d', 'naivete']);
    expect(tokenize('Plain ASCII, with GPT-4 and x_y')).toEqual(['plain', 'ascii', 'with', 'gpt', '4', 'and', 'x', 'y']);
  });

  it('gives ASCII text the same tokens as the general Unicode path', () => {
    const ascii = 'Sparse MoE (Mixture-of-Experts) layers: 8x faster!';
    // A trailing non-ASCII character sends the same text down the Unicode path.
    expect(tokenize(`${ascii} é`)).toEqual([...tokenize(ascii), 'e']);
    expect(foldCase(ascii)).toBe(ascii.toLowerCase());
  });

  it('keeps letters of other scripts', () => {
    expect(tokenize('Γράφοι και δίκτυα')).toEqual(['γραφοι', 'και', 'δικτυα']);
  });

  it('stems like Porter, the same answer from the cache', () => {
    expect(stem('networks')).toBe('network');
    expect(stem('networks')).toBe('network');
  });
});
