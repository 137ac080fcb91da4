/**
 * `paperboy digest worker`, the built command as an operator runs it: an
 * edition is composed into a real database (the subscribers stored in it, as
 * the worker's real audience reads them), then the worker delivers it into a
 * loopback SMTP server — once with `--once`, once as a long-running process
 * stopped with SIGTERM. Judged by what the server received (one message per
 * subscriber, with its row's Message-ID) and what the database says.
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { EditionKey } from '../src/digest/delivery-types.js';
import { composeEdition } from '../src/digest/edition-compose.js';
import { editionEndsEverywhere } from '../src/digest/edition-key.js';
import { runDeliveryWorker } from '../src/digest/delivery-worker.js';
import { DIALECTS, type TestDialect } from './dialects.js';
import { subscribers } from './support/digest-fixtures.js';
import { digestHarness, type DigestHarness } from './support/digest-harness.js';
import { BIN, runCli } from './support/run-cli.js';
import { seedSubscriber } from './support/subscription-fixtures.js';
import { until } from './support/until.js';

const EDITION: EditionKey = { date: '2025-05-06', frequency: 'daily' };
const READERS = 6;

let h: DigestHarness | undefined;

afterEach(async () => {
  await h?.dispose();
  h = undefined;
});

/** A database with READERS confirmed subscribers and their composed (unsent) messages of EDITION. */
async function composedEdition(dialect: TestDialect): Promise<DigestHarness> {
  const list = subscribers(READERS);
  h = await digestHarness(list, { dialect });
  for (const s of list) {
    // The worker's audience is the real one: it re-reads each subscriber before sending.
    expect(await seedSubscriber(h.ctx.database.db, { email: s.email })).toBe(s.id);
  }
  const composed = await composeEdition(h.runtime, EDITION, { now: editionEndsEverywhere(EDITION.date) });
  expect(composed.created).toBe(READERS);
  return h;
}

function workerEnv(harness: DigestHarness): Record<string, string> {
  return {
    SMTP_URL: harness.sink.url,
    SMTP_TIMEOUT_MS: '5000',
    MAIL_FROM: 'Paperboy <digest@paperboy.test>',
    PUBLIC_URL: 'https://paperboy.test',
    SECRET_KEY: 'worker-test-secret-worker-test-secret-0123',
    DATA_DIR: harness.ctx.dir,
  };
}

/** Every subscriber got exactly one message, carrying its row's Message-ID, and every row is 'sent'. */
async function expectDeliveredOnce(harness: DigestHarness): Promise<void> {
  const rows = await harness.messages(EDITION);
  expect(rows.map((r) => r.status)).toEqual(Array(READERS).fill('sent'));
  const received = harness.sink.received.map((m) => ({ to: m.to[0], messageId: m.parsed!.messageId }));
  expect(received.map((m) => m.to).sort()).toEqual(rows.map((r) => r.email).sort());
  expect(received.sort((a, b) => a.to!.localeCompare(b.to!))).toEqual(
    rows.map((r) => ({ to: r.email, messageId: `<${r.message_id}>` })).sort((a, b) => a.to.localeCompare(b.to)),
  );
}

describe.each(DIALECTS)('paperboy digest worker (built) on $name', (dialect) => {
  it('--once delivers every pending message exactly once and exits 0', async () => {
    const harness = await composedEdition(dialect);
    const run = await runCli(['digest', 'worker', '--once', '--db', harness.ctx.dbPath], { env: workerEnv(harness) });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`digest ${EDITION.date}-daily delivery: ${READERS} sent, 0 deferred, 0 failed`);
    expect(run.stdout).toContain(`digest worker: ${READERS} sent`);
    await expectDeliveredOnce(harness);

    // Nothing is pending any more: a second run sends nothing.
    const again = await runCli(['digest', 'worker', '--once', '--db', harness.ctx.dbPath], { env: workerEnv(harness) });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('digest worker: 0 sent');
    expect(harness.sink.received).toHaveLength(READERS);
  });

  it('keeps running until SIGTERM, then exits 0 with everything recorded', async () => {
    const harness = await composedEdition(dialect);
    const child = spawn(process.execPath, [BIN, 'digest', 'worker', '--poll', '0.2', '--db', harness.ctx.dbPath], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', CI: 'true', DEMO_CORPUS: 'false', ...workerEnv(harness) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      await until(() => harness.sink.received.length >= READERS, 30_000);
      // Still running after delivering: it polls for more.
      expect(child.exitCode).toBeNull();
      child.kill('SIGTERM');
      expect(await exit, stderr).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
    expect(stderr).toContain('SIGTERM');
    expect(stdout).toContain(`digest worker: ${READERS} sent`);
    await expectDeliveredOnce(harness);
  });

  it('stopped mid-edition, claims nothing more and records its in-flight sends: none left sending', async () => {
    const harness = await composedEdition(dialect);
    harness.sink.behaviour.dataReplyDelayMs = 150;
    const stop = new AbortController();
    const worker = runDeliveryWorker({ ...harness.runtime, audience: harness.audience }, { workerId: 'stopping', concurrency: 2, pollMs: 50, stop: stop.signal });
    await until(() => harness.sink.received.length >= 1, 10_000);
    stop.abort();
    const summary = await worker;
    const rows = await harness.messages(EDITION);
    const sent = rows.filter((r) => r.status === 'sent');
    expect(rows.filter((r) => r.status === 'sending')).toEqual([]);
    expect(sent.length).toBe(summary.sent);
    expect(sent.length).toBeLessThan(READERS);
    expect(rows.filter((r) => r.status === 'pending')).toHaveLength(READERS - sent.length);
    expect(harness.sink.received.map((m) => m.to[0]).sort()).toEqual(sent.map((r) => r.email).sort());
  });
});
