/** The edition memos: shared computations, bulk loads of only what is missing, expiry and bounds. */
import { describe, expect, it } from 'vitest';
import { BulkMemo, TtlMemo } from './compose-memo.js';

describe('TtlMemo', () => {
  it('shares one computation between askers until it expires, and forgets failures', async () => {
    let now = 0;
    const memo = new TtlMemo<number>(10, 1000, () => now);
    let calls = 0;
    const compute = async () => ++calls;
    expect(await Promise.all([memo.get('a', compute), memo.get('a', compute)])).toEqual([1, 1]);
    now = 1500;
    expect(await memo.get('a', compute)).toBe(2);
    await expect(memo.get('b', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await memo.get('b', compute)).toBe(3);
  });
});

describe('BulkMemo', () => {
  it('loads only the keys it does not hold, once each, and remembers absent ones when told how', async () => {
    const memo = new BulkMemo<string[]>(100);
    const asked: string[][] = [];
    const load = async (keys: string[]) => {
      asked.push(keys);
      return new Map(keys.filter((k) => k !== 'none').map((k) => [k, [`old-${k}`]]));
    };
    expect(await memo.getMany(['a', 'b', 'a', 'none'], load, [])).toEqual(new Map([['a', ['old-a']], ['b', ['old-b']], ['none', []]]));
    expect(await memo.getMany(['b', 'c', 'none'], load, [])).toEqual(new Map([['b', ['old-b']], ['c', ['old-c']], ['none', []]]));
    expect(asked).toEqual([['a', 'b', 'none'], ['c']]);
  });

  it('asks again for keys the loader lacked when there is no absent value, and after expiry', async () => {
    let now = 0;
    const memo = new BulkMemo<number>(100, 1000, () => now);
    const asked: string[][] = [];
    const load = async (keys: string[]) => {
      asked.push(keys);
      return new Map(keys.filter((k) => k !== 'gone').map((k) => [k, now]));
    };
    expect(await memo.getMany(['x', 'gone'], load)).toEqual(new Map([['x', 0]]));
    expect(await memo.getMany(['x', 'gone'], load)).toEqual(new Map([['x', 0]]));
    now = 2000;
    expect(await memo.getMany(['x'], load)).toEqual(new Map([['x', 2000]]));
    expect(asked).toEqual([['x', 'gone'], ['gone'], ['x']]);
  });

  it('keeps at most its bound, dropping the oldest entries', async () => {
    const memo = new BulkMemo<string>(2);
    const asked: string[][] = [];
    const load = async (keys: string[]) => {
      asked.push(keys);
      return new Map(keys.map((k) => [k, k]));
    };
    await memo.getMany(['a', 'b', 'c'], load);
    await memo.getMany(['b', 'c', 'a'], load);
    expect(asked).toEqual([['a', 'b', 'c'], ['a']]);
  });
});
