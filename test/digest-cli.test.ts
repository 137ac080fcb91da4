/**
 * `paperboy digest send|status|resend`: the command group run in-process with
 * the test audience and composer (the real ones are wired by the program),
 * and through the built binary for what needs no subscriptions.
 */
import { Command } from 'commander';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDialectContext, DIALECTS, type TestDialect } from './dialects.js';
import { registerDigest } from '../src/cli/commands/digest.js';
import { digestDb } from '../src/digest/delivery-schema.js';
import { ListAudience, SimpleComposer, subscribers } from './support/digest-fixtures.js';
import { runCli } from './support/run-cli.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';
import type { TempContext } from './support/temp-context.js';

let sink: SmtpSink;
let ctx: TempContext;
let audience: ListAudience;
/** Set by each describe.each(DIALECTS) block's beforeAll, which runs before the beforeEach below. */
let dialect: TestDialect = DIALECTS[0]!;
const savedEnv = { ...process.env };

beforeEach(async () => {
  sink = await startSmtpSink();
  ctx = await createDialectContext(dialect);
  audience = new ListAudience(subscribers(5));
  Object.assign(process.env, {
    SMTP_URL: sink.url,
    SMTP_TIMEOUT_MS: '2000',
    MAIL_FROM: 'Paperboy <digest@paperboy.test>',
    PUBLIC_URL: 'https://paperboy.test',
    SECRET_KEY: 'cli-test-secret-cli-test-secret-0123456789',
    DATA_DIR: ctx.dir,
    DEMO_CORPUS: 'false',
  });
});

afterEach(async () => {
  process.env = { ...savedEnv };
  await sink.stop();
  await ctx.dispose();
});

/** Runs `paperboy digest …` in-process and returns what it printed. */
async function digest(...args: string[]): Promise<string> {
  const program = new Command('paperboy').exitOverride();
  const composer = new SimpleComposer();
  registerDigest(program, () => ({ audience, composer }));
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await program.parseAsync(['node', 'paperboy', 'digest', ...args, '--db', ctx.dbPath]);
  } finally {
    write.mockRestore();
    err.mockRestore();
  }
  return out;
}

describe.each(DIALECTS)('paperboy digest on $name', (each) => {
  beforeAll(() => {
    dialect = each;
  });

  it('sends an explicit edition to everyone whose period it is, exactly once however often it runs', async () => {
    const dry = await digest('send', '--edition', '2025-04-01', '--dry-run');
    expect(dry).toContain('edition 2025-04-01-daily (dry run): 5 due, 0 already have their message, 5 would be composed and sent');
    expect(sink.received).toHaveLength(0);

    const first = await digest('send', '--edition', '2025-04-01');
    expect(first).toContain('edition 2025-04-01-daily: 5 due, 5 composed, 0 skipped');
    expect(first).toContain('digest 2025-04-01-daily delivery: 5 sent, 0 deferred, 0 failed');
    const second = await digest('send', '--edition', '2025-04-01');
    expect(second).toContain('5 due, 0 composed, 0 skipped (nothing new), 0 failed to compose, 5 already had theirs');
    expect(sink.received).toHaveLength(5);
    expect(sink.received[0]!.parsed!.messageId).toMatch(/^<digest-2025-04-01-daily-\d+\.[0-9a-f]{8}@paperboy\.test>$/);
  });

  it('shows counts by state with the failures and their errors, and resends unknown outcomes on request', async () => {
    sink.behaviour.onRcpt = (address) => {
      if (address === 'reader4@example.test') return { code: 550, message: '5.1.1 User unknown' };
      if (address === 'reader2@example.test') return { code: 451, message: 'try later' };
      return undefined;
    };
    await digest('send', '--edition', '2025-04-02');
    // A worker picked reader2's retry up and died mid-send: the row is left 'sending', its worker gone.
    await digestDb(ctx.database.db)
      .updateTable('digest_messages')
      .set({ status: 'sending', claimed_by: 'dead-worker', claimed_at: new Date().toISOString() })
      .where('subscriber_id', '=', 2)
      .execute();
    sink.behaviour.onRcpt = (address) => (address === 'reader4@example.test' ? { code: 550, message: '5.1.1 User unknown' } : undefined);
    const rerun = await digest('send', '--edition', '2025-04-02');
    expect(rerun).toContain('0 sent, 0 deferred, 0 failed, 1 marked unknown');
    expect(sink.received.map((m) => m.to[0])).not.toContain('reader2@example.test');

    const status = await digest('status', '--edition', '2025-04-02');
    expect(status).toMatch(/2025-04-02 daily\s+complete\s+pending 0\s+sending 0\s+sent 3\s+failed 1\s+skipped 0\s+unknown 1/);
    expect(status).toMatch(/failed\s+#4 reader4@example\.test 550 attempts 1: .*User unknown/);
    expect(status).toMatch(/unknown\s+#2 reader2@example\.test 451 attempts 1: worker dead-worker stopped while sending .*may have been delivered/);
    expect(status).toContain('paperboy digest resend --unknown --edition 2025-04-02 --frequency daily');
    expect(await digest('status')).toMatch(/^2025-04-02 daily/m);

    const before = sink.received.length;
    await expect(digest('resend', '--edition', '2025-04-02')).rejects.toThrow(/--unknown/);
    const resent = await digest('resend', '--unknown', '--edition', '2025-04-02');
    expect(resent).toContain('1 unknown message(s) of 2025-04-02-daily queued again');
    expect(sink.received.slice(before).map((m) => m.to[0])).toEqual(['reader2@example.test']);
    expect(await digest('status', '--edition', '2025-04-02')).toMatch(/sent 4\s+failed 1\s+skipped 0\s+unknown 0/);
  });

  it('rejects a malformed edition date and --frequency without --edition', async () => {
    await expect(digest('send', '--edition', '2025-02-30')).rejects.toThrow(/YYYY-MM-DD/);
    await expect(digest('send', '--frequency', 'weekly')).rejects.toThrow(/needs --edition/);
  });
});

describe.each(DIALECTS)('the built paperboy digest command on $name', (each) => {
  beforeAll(() => {
    dialect = each;
  });

  it('reports status on a fresh database and fails clearly on a bad date', async () => {
    const status = await runCli(['digest', 'status', '--db', ctx.dbPath], { env: { DATA_DIR: ctx.dir } });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('no digest editions yet');
    const bad = await runCli(['digest', 'send', '--edition', 'yesterday', '--db', ctx.dbPath], { env: { DATA_DIR: ctx.dir } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--edition must be a date YYYY-MM-DD');
  });
});
