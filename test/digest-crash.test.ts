/**
 * THE CRASH TEST. A delivery worker process is killed with SIGKILL in the
 * middle of a batch; another process resumes the edition. From what the
 * SMTP server actually received: every subscriber got exactly one digest,
 * except those recorded 'unknown' (at most `concurrency` of them — the ones
 * that were on the wire), and nobody got two.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDialect } from './dialects.js';
import type { EditionKey } from '../src/digest/delivery-types.js';
import { composeEdition } from '../src/digest/edition-compose.js';
import { editionEndsEverywhere } from '../src/digest/edition-key.js';
import { subscribers } from './support/digest-fixtures.js';
import { digestHarness as digestHarnessOn, type DigestHarness } from './support/digest-harness.js';
import { until } from './support/until.js';

/** The database each describe.each(DIALECTS) block runs on. */
let dialect: TestDialect = DIALECTS[0]!;
const digestHarness = (...[list, opts]: Parameters<typeof digestHarnessOn>) => digestHarnessOn(list, { ...opts, dialect });

const EDITION: EditionKey = { date: '2025-05-02', frequency: 'daily' };
const WORKER = join(process.cwd(), 'test', 'support', 'digest-crash-worker.mjs');
const CONCURRENCY = 4;
const SUBSCRIBERS = 60;

let h: DigestHarness | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});

interface Worker {
  child: ChildProcess;
  stdout: () => string;
  exit: Promise<number | null>;
}

function startWorker(harness: DigestHarness, name: string, sendDelayMs: number): Worker {
  const child = spawn(process.execPath, [WORKER], {
    env: {
      PATH: process.env.PATH ?? '',
      DB: harness.ctx.dbPath,
      SMTP_URL: harness.sink.url,
      EDITION_DATE: EDITION.date,
      CONCURRENCY: String(CONCURRENCY),
      SEND_DELAY_MS: String(sendDelayMs),
      WORKER_ID: name,
      // A short liveness lease so the resuming process sees the dead worker's lease expire quickly.
      DELIVERY_SETTINGS: JSON.stringify({ ...harness.runtime.settings, workerTtlMs: 600 }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  void exit.then((code) => {
    if (code !== 0 && code !== null) process.stderr.write(`worker ${name} exited ${code}: ${err}\n`);
  });
  return { child, stdout: () => out, exit };
}

describe.each(DIALECTS)('delivery worker processes on $name', (each) => {
  beforeEach(() => {
    dialect = each;
  });

  it('killed mid-batch leave at most `concurrency` messages unknown, never resends them, and the rest arrive exactly once', async () => {
    h = await digestHarness(subscribers(SUBSCRIBERS), { settings: { concurrency: CONCURRENCY } });
    await composeEdition(h.runtime, EDITION, { now: editionEndsEverywhere(EDITION.date) });
    // The server commits each message and then takes a moment to say so: a kill in that
    // moment leaves a message delivered that the worker never heard about.
    h.sink.behaviour.dataReplyDelayMs = 25;

    const first = startWorker(h, 'worker-a', 15);
    await until(() => h!.sink.received.length >= 17, 20_000, 5);
    first.child.kill('SIGKILL');
    expect(await first.exit).toBeNull();
    expect(first.stdout()).not.toContain('REPORT');

    const afterKill = await h.messages(EDITION);
    const inFlight = afterKill.filter((r) => r.status === 'sending');
    expect(inFlight.length).toBeGreaterThan(0);
    expect(inFlight.length).toBeLessThanOrEqual(CONCURRENCY);
    const receivedAtKill = h.sink.received.length;
    expect(receivedAtKill).toBeLessThan(SUBSCRIBERS);

    await new Promise((r) => setTimeout(r, 700)); // the dead worker's liveness lease runs out
    const second = startWorker(h, 'worker-b', 0);
    expect(await second.exit).toBe(0);
    const report = JSON.parse(second.stdout().split('REPORT ')[1]!) as { sent: number; abandoned: number };
    expect(report.abandoned).toBe(inFlight.length);

    const rows = await h.messages(EDITION);
    const unknown = new Set(rows.filter((r) => r.status === 'unknown').map((r) => r.email));
    expect([...unknown].sort()).toEqual(inFlight.map((r) => r.email).sort());
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(SUBSCRIBERS - unknown.size);
    expect(rows.every((r) => r.status === 'sent' || r.status === 'unknown')).toBe(true);

    const counts = h.sink.countsByRecipient();
    for (const row of rows) {
      const got = counts.get(row.email) ?? 0;
      if (unknown.has(row.email)) expect(got, row.email).toBeLessThanOrEqual(1);
      else expect(got, row.email).toBe(1);
    }
    expect(Math.max(...counts.values())).toBe(1);
    expect(report.sent).toBe(SUBSCRIBERS - (receivedAtKill - [...unknown].filter((e) => counts.has(e)).length) - unknown.size);
  });

  it('lets two worker processes share an edition: disjoint claims, nothing sent twice', async () => {
    h = await digestHarness(subscribers(SUBSCRIBERS), { settings: { concurrency: CONCURRENCY } });
    await composeEdition(h.runtime, EDITION, { now: editionEndsEverywhere(EDITION.date) });
    const workers = [startWorker(h, 'worker-a', 2), startWorker(h, 'worker-b', 2)];
    expect(await Promise.all(workers.map((w) => w.exit))).toEqual([0, 0]);
    const sent = workers.map((w) => (JSON.parse(w.stdout().split('REPORT ')[1]!) as { sent: number }).sent);
    expect(sent[0]! + sent[1]!).toBe(SUBSCRIBERS);
    expect(Math.min(...sent)).toBeGreaterThan(0);
    expect(h.sink.received).toHaveLength(SUBSCRIBERS);
    expect(Math.max(...h.sink.countsByRecipient().values())).toBe(1);
  });
});
