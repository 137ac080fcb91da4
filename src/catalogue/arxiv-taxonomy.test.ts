import { describe, expect, it } from 'vitest';
import { ARXIV_CATEGORIES, categoryCodeFromSubject } from './arxiv-taxonomy.js';

describe('ARXIV_CATEGORIES', () => {
  it('lists the 155 current categories with well-formed codes', () => {
    const codes = Object.keys(ARXIV_CATEGORIES);
    expect(codes).toHaveLength(155);
    for (const code of codes) expect(code).toMatch(/^[a-z-]+(?:\.[A-Za-z-]+)?$/);
    expect(ARXIV_CATEGORIES['cs.LG']).toBe('Machine Learning');
    expect(ARXIV_CATEGORIES['cond-mat.str-el']).toBe('Strongly Correlated Electrons');
    expect(ARXIV_CATEGORIES['hep-th']).toBe('High Energy Physics - Theory');
  });
});

describe('categoryCodeFromSubject', () => {
  it.each([
    ['Computer Science - Information Theory', 'cs.IT'],
    ['Mathematics - Information Theory', 'math.IT'],
    ['Computer Science - Data Structures and Algorithms', 'cs.DS'],
    ['Mathematics - Numerical Analysis', 'math.NA'],
    ['computer science - computer vision and pattern recognition', 'cs.CV'],
    ['Physics - Data Analysis, Statistics and Probability', 'physics.data-an'],
    ['Condensed Matter - Strongly Correlated Electrons', 'cond-mat.str-el'],
    ['Astrophysics - Cosmology and Nongalactic Astrophysics', 'astro-ph.CO'],
    ['Electrical Engineering and Systems Science - Signal Processing', 'eess.SP'],
    ['Quantitative Finance - Pricing of Securities', 'q-fin.PR'],
    ['Statistics - Machine Learning', 'stat.ML'],
    ['High Energy Physics - Phenomenology', 'hep-ph'],
    ['Quantum Physics', 'quant-ph'],
    ['General Relativity and Quantum Cosmology', 'gr-qc'],
    ['Mathematical Physics', 'math-ph'],
    ['Combinatorics', 'math.CO'],
    ['Information Theory', 'cs.IT'],
    ['  Nuclear   Theory ', 'nucl-th'],
    ['Astrophysics', 'astro-ph'],
  ])('%s → %s', (subject, code) => {
    expect(categoryCodeFromSubject(subject)).toBe(code);
  });

  it.each(['Machine Learning', 'Underwater Basket Weaving', '', 'constructor', '__proto__', 'Computer Science - Sound and Fury'])(
    'drops %j',
    (subject) => {
      expect(categoryCodeFromSubject(subject)).toBeUndefined();
    },
  );
});
