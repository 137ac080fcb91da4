/** `paperboy digest preview`: the real composer's output for a subscriber, run in-process. */
import { Command } from 'commander';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { addPapers, paper, seedSubscriber } from '../../../test/support/subscription-fixtures.js';
import { createTempContext, type TempContext } from '../../../test/support/temp-context.js';
import { registerDigestPreview } from './digest-preview.js';

let ctx: TempContext;
const savedEnv = { ...process.env };

beforeEach(async () => {
  ctx = await createTempContext();
  Object.assign(process.env, { PUBLIC_URL: 'https://paperboy.test', SECRET_KEY: 'preview-test-secret-preview-test-secret-0123', DATA_DIR: ctx.dir, DEMO_CORPUS: 'false', MAIL_POSTAL_ADDRESS: '1 Test Road' });
  await addPapers(ctx.database.db, [paper({ title: 'A <i>hostile</i> & useful paper' }, new Date('2025-03-09T12:00:00Z'))]);
  await seedSubscriber(ctx.database.db, { email: 'reader@example.org' });
});
afterEach(async () => {
  process.env = { ...savedEnv };
  await ctx.dispose();
});

async function preview(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const program = new Command('paperboy').exitOverride();
    registerDigestPreview(program.command('digest'));
    await program.parseAsync(['node', 'paperboy', 'digest', 'preview', ...args, '--db', ctx.dbPath]);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return { stdout, stderr };
}

it('prints subject, headers and the text part; --html prints the HTML part', async () => {
  const text = await preview('Reader@Example.org', '--edition', '2025-03-10');
  expect(text.stdout).toContain('Subject: “A <i>hostile</i> & useful paper”: your daily paper');
  expect(text.stdout).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  expect(text.stdout).toMatch(/List-Unsubscribe: <https:\/\/paperboy\.test\/unsubscribe\//);
  expect(text.stdout).toContain('1 Test Road');
  const html = await preview('reader@example.org', '--edition', '2025-03-10', '--html');
  expect(html.stdout).toMatch(/^<!doctype html>/);
  expect(html.stdout).toContain('A &lt;i&gt;hostile&lt;/i&gt; &amp; useful paper');
});

it('says when nothing would be sent, and refuses unknown addresses and bad dates', async () => {
  const empty = await preview('reader@example.org', '--edition', '2025-06-01');
  expect(empty.stdout).toBe('');
  expect(empty.stderr).toContain('nothing new for reader@example.org in the daily edition of 2025-06-01');
  await expect(preview('stranger@example.org')).rejects.toThrow('stranger@example.org is not a subscriber');
  await expect(preview('reader@example.org', '--edition', '10/03/2025')).rejects.toThrow('--edition must be a date');
});
