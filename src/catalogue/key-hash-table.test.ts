import { describe, expect, it } from 'vitest';
import { KeyHashTable } from './key-hash-table.js';

describe('KeyHashTable', () => {
  it('finds every seq added under a key, through growth, among many other keys', () => {
    const table = new KeyHashTable();
    for (let seq = 1; seq <= 200_000; seq++) table.add(`t:title number ${seq}`, seq);
    table.add('t:title number 7', 300_000);
    const found = new Set<number>();
    table.candidates('t:title number 7', found);
    expect([...found].sort((a, b) => a - b)).toEqual(expect.arrayContaining([7, 300_000]));
    // Candidates are a superset (hashes may collide), never missing one and rarely more.
    expect(found.size).toBeLessThanOrEqual(3);
    const none = new Set<number>();
    table.candidates('t:a title never added', none);
    expect(none.size).toBeLessThanOrEqual(1);
  });
});
