import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { quietProgress, shouldShowProgress, terminalProgress } from './progress.js';

function fakeTerminal(): NodeJS.WriteStream & { output: () => string } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & { output: () => string };
  let written = '';
  stream.on('data', (d: Buffer) => (written += d.toString()));
  Object.assign(stream, { isTTY: true, columns: 100, cursorTo: () => true, clearLine: () => true, moveCursor: () => true, output: () => written });
  return stream;
}

describe('ingest progress', () => {
  it('shows a bar only on a terminal outside CI', () => {
    const saved = process.env.CI;
    delete process.env.CI;
    try {
      expect(shouldShowProgress({ isTTY: true } as NodeJS.WriteStream)).toBe(true);
      expect(shouldShowProgress({ isTTY: false } as NodeJS.WriteStream)).toBe(false);
      process.env.CI = 'true';
      expect(shouldShowProgress({ isTTY: true } as NodeJS.WriteStream)).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.CI;
      else process.env.CI = saved;
    }
  });

  it('draws records/s and an ETA when the size is known', () => {
    const terminal = fakeTerminal();
    const bar = terminalProgress(1000, terminal);
    bar.update(500, 500);
    bar.log('skipped x.jsonl:3: broken JSON');
    bar.stop();
    expect(terminal.output()).toMatch(/ingest \[.*\] 50% \| 500 records \| [\d,]+ rec\/s \| ETA/);
    expect(terminal.output()).toContain('skipped x.jsonl:3: broken JSON\n');
  });

  it('stays quiet in logs apart from messages', () => {
    const lines: string[] = [];
    const progress = quietProgress((m) => lines.push(m));
    progress.update(10, 10);
    progress.log('note');
    progress.stop();
    expect(lines).toEqual(['note']);
  });
});
