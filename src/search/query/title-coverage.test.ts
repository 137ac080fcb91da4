import { describe, expect, it } from 'vitest';
import { parseQuery } from './search-query.js';
import { queryWordStems, titleHasEveryWord } from './title-coverage.js';

describe('titleHasEveryWord', () => {
  it('needs every content word of the query, in any form or order, but not its stop words', () => {
    const words = queryWordStems(parseQuery('mixture of experts'), new Map());
    expect(titleHasEveryWord('Layerwise Recurrent Router for Mixture-of-Experts', words)).toBe(true);
    expect(titleHasEveryWord('Experts in a Mixture', words)).toBe(true);
    expect(titleHasEveryWord('Sparse Expert Models', words)).toBe(false);
  });

  it('accepts a typo correction or spelling variant in place of the word typed', () => {
    const words = queryWordStems(parseQuery('optimal transprot'), new Map([['transprot', ['transport']]]));
    expect(titleHasEveryWord('Towards Meta-Pruning via Optimal Transport', words)).toBe(true);
  });

  it('ignores excluded words and never matches an empty query', () => {
    expect(titleHasEveryWord('Speculative Decoding', queryWordStems(parseQuery('speculative -survey'), new Map()))).toBe(true);
    expect(titleHasEveryWord('Anything', queryWordStems(parseQuery('the of'), new Map()))).toBe(false);
  });
});
