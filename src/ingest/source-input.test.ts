import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readLines } from './source-input.js';

async function linesOf(chunks: Array<string | Buffer>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of readLines(Readable.from(chunks, { objectMode: true }))) out.push(line);
  return out;
}

describe('readLines', () => {
  it('splits at \\n, \\r\\n and \\r, also across chunk boundaries, as readline does', async () => {
    expect(await linesOf(['a\nb\r', '\nc\rd', 'e\n\nf'])).toEqual(['a', 'b', 'c', 'de', '', 'f']);
    expect(await linesOf(['one\r'])).toEqual(['one']);
    expect(await linesOf(['x\n'])).toEqual(['x']);
    expect(await linesOf([''])).toEqual([]);
  });

  it('keeps a line that spans several chunks, and a character split between two', async () => {
    const euro = Buffer.from('€');
    expect(await linesOf([Buffer.from('long '), Buffer.from('li'), Buffer.concat([Buffer.from('ne '), euro.subarray(0, 1)]), Buffer.concat([euro.subarray(1), Buffer.from('\nnext')])])).toEqual([
      'long line €',
      'next',
    ]);
  });
});
