/**
 * Scale-out delivery on PostgreSQL: three delivery worker processes share one
 * edition of 10,000 subscribers through FOR UPDATE SKIP LOCKED claims, and
 * one of them is killed (SIGKILL) mid-run. Judged from what a real SMTP
 * server on loopback received: every subscriber got exactly one digest —
 * except the killed worker's messages that were on the wire, recorded
 * 'unknown' (at most its `concurrency`), who got at most one — and no
 * Message-ID arrived twice. PostgreSQL only (the dialect loop skips it, with
 * the suite's one line, without a server): several workers on one database
 * is what PostgreSQL is for.
 *
 * Kept compact so that it runs in seconds: the small test composer, a sink
 * that counts raw messages instead of parsing them, the worker of the crash
 * test (test/support/digest-crash-worker.mjs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { digestDb } from '../src/digest/delivery-schema.js';
import type { EditionKey } from '../src/digest/delivery-types.js';
import { composeEdition } from '../src/digest/edition-compose.js';
import { deliverEdition } from '../src/digest/edition-deliver.js';
import { editionEndsEverywhere } from '../src/digest/edition-key.js';
import type { DigestRuntime } from '../src/digest/edition-job.js';
import { SmtpTransport } from '../src/mail/smtp-transport.js';
import { createDialectContext, DIALECTS } from './dialects.js';
import { ListAudience, SimpleComposer, subscribers, testSettings } from './support/digest-fixtures.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';
import type { TempContext } from './support/temp-context.js';
import { until } from './support/until.js';

const postgres = DIALECTS.find((d) => d.name === 'postgres');
const EDITION: EditionKey = { date: '2025-06-03', frequency: 'daily' };
const WORKER = join(process.cwd(), 'test', 'support', 'digest-crash-worker.mjs');
const SUBSCRIBERS = 10_000;
const CONCURRENCY = 4;
// Short, so the killed worker's lease runs out soon after the others finish.
const WORKER_TTL_MS = 2000;

let ctx: TempContext | undefined;
let sink: SmtpSink | undefined;
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await sink?.stop();
  sink = undefined;
  await ctx?.dispose();
  ctx = undefined;
});

interface Worker {
  child: ChildProcess;
  /** Messages it has handed to SMTP so far (its "sending …" lines). */
  sends: () => number;
  stdout: () => string;
  exit: Promise<number | null>;
}

function startWorker(dbUrl: string, smtpUrl: string, name: string, sendDelayMs: number): Worker {
  const settings = testSettings({ concurrency: CONCURRENCY, workerTtlMs: WORKER_TTL_MS });
  const child = spawn(process.execPath, [WORKER], {
    env: {
      PATH: process.env.PATH ?? '',
      DB: dbUrl,
      SMTP_URL: smtpUrl,
      EDITION_DATE: EDITION.date,
      CONCURRENCY: String(CONCURRENCY),
      SEND_DELAY_MS: String(sendDelayMs),
      WORKER_ID: name,
      DELIVERY_SETTINGS: JSON.stringify(settings),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  let sends = 0;
  child.stdout!.on('data', (d: Buffer) => {
    const text = d.toString();
    out += text;
    sends += text.split('sending ').length - 1;
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  void exit.then((code) => {
    if (code !== 0 && code !== null) process.stderr.write(`worker ${name} exited ${code}: ${err}\n`);
  });
  return { child, sends: () => sends, stdout: () => out, exit };
}

/** The Message-ID header of a raw message, without its angle brackets (headers end at the first blank line). */
function messageIdOf(raw: Buffer): string {
  const headers = raw.subarray(0, raw.indexOf('\r\n\r\n')).toString('latin1');
  return /^message-id:\s*<?([^>\s]+)>?/im.exec(headers)?.[1] ?? '';
}

describe.runIf(postgres)('three delivery workers on PostgreSQL, one killed mid-run', () => {
  it(`deliver an edition of ${SUBSCRIBERS} subscribers exactly once each, the crash rule aside`, { timeout: 120_000 }, async () => {
    ctx = await createDialectContext(postgres!);
    sink = await startSmtpSink({ parse: false });
    const settings = testSettings({ concurrency: CONCURRENCY, workerTtlMs: WORKER_TTL_MS });
    const transport = new SmtpTransport({ url: sink.url, poolSize: CONCURRENCY, ratePerSecond: 0, timeoutMs: 5000 });
    const runtime: DigestRuntime = {
      database: ctx.database,
      mail: transport,
      audience: new ListAudience(subscribers(SUBSCRIBERS), 500),
      composer: new SimpleComposer(),
      settings,
      log: () => undefined,
    };
    const composed = await composeEdition(runtime, EDITION, { now: editionEndsEverywhere(EDITION.date) });
    expect(composed.created).toBe(SUBSCRIBERS);
    // The server commits a message, then takes a moment to answer: a kill then leaves one delivered but unrecorded.
    sink.behaviour.dataReplyDelayMs = 2;

    const [a, b, c] = [startWorker(ctx.dbPath, sink.url, 'worker-a', 1), startWorker(ctx.dbPath, sink.url, 'worker-b', 0), startWorker(ctx.dbPath, sink.url, 'worker-c', 0)];
    await until(() => a!.sends() >= 300 && sink!.received.length >= SUBSCRIBERS / 4, 60_000, 5);
    a!.child.kill('SIGKILL');
    expect(await a!.exit).toBeNull();
    expect(sink.received.length).toBeLessThan(SUBSCRIBERS);
    expect(await Promise.all([b!.exit, c!.exit])).toEqual([0, 0]);
    const reports = [b!, c!].map((w) => JSON.parse(w.stdout().split('REPORT ')[1]!) as { sent: number });
    expect(Math.min(...reports.map((r) => r.sent))).toBeGreaterThan(0);

    // What the killed worker left in flight: at most its concurrency, swept to 'unknown' once its lease runs out.
    const db = digestDb(ctx.database.db);
    const inFlight = await db.selectFrom('digest_messages').select(['email', 'claimed_by']).where('status', '=', 'sending').execute();
    expect(inFlight.length).toBeGreaterThan(0);
    expect(inFlight.length).toBeLessThanOrEqual(CONCURRENCY);
    expect(inFlight.every((m) => m.claimed_by?.startsWith('worker-a/'))).toBe(true);
    await new Promise((r) => setTimeout(r, WORKER_TTL_MS + 200));
    const sweep = await deliverEdition(runtime, EDITION, { workerId: 'sweeper' });
    expect(sweep).toMatchObject({ abandoned: inFlight.length, sent: 0 });
    await transport.close();

    const rows = await db.selectFrom('digest_messages').select(['email', 'status', 'message_id', 'claimed_by']).execute();
    expect(rows).toHaveLength(SUBSCRIBERS);
    const unknown = new Set(rows.filter((r) => r.status === 'unknown').map((r) => r.email));
    expect([...unknown].sort()).toEqual(inFlight.map((m) => m.email).sort());
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(SUBSCRIBERS - unknown.size);
    // Every worker did part of the edition.
    for (const worker of ['worker-a/', 'worker-b/', 'worker-c/']) expect(rows.some((r) => r.status === 'sent' && r.claimed_by?.startsWith(worker)), worker).toBe(true);

    // The mailbox: one digest per subscriber (at most one for the unknown), each with its own Message-ID, none twice.
    const expectedId = new Map(rows.map((r) => [r.email, r.message_id]));
    const perRecipient = new Map<string, number>();
    const seenIds = new Set<string>();
    for (const message of sink.received) {
      const id = messageIdOf(message.raw);
      expect(seenIds.has(id), `Message-ID ${id} received twice`).toBe(false);
      seenIds.add(id);
      for (const to of message.to) {
        perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
        expect(id, to).toBe(expectedId.get(to));
      }
    }
    for (const row of rows) {
      const got = perRecipient.get(row.email) ?? 0;
      if (unknown.has(row.email)) expect(got, row.email).toBeLessThanOrEqual(1);
      else expect(got, row.email).toBe(1);
    }
    expect(sink.received.length).toBeGreaterThanOrEqual(SUBSCRIBERS - unknown.size);
  });
});
