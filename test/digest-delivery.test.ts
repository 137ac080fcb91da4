/**
 * Digest delivery against a real SMTP server on loopback: what arrives, and
 * what happens when the server refuses, defers, rejects or dawdles.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDialect } from './dialects.js';
import { digestDb } from '../src/digest/delivery-schema.js';
import type { EditionKey } from '../src/digest/delivery-types.js';
import { composeEdition } from '../src/digest/edition-compose.js';
import { markAbandoned, recordSent, WORKER_LEASE_PREFIX } from '../src/digest/delivery-store.js';
import { deliverEdition } from '../src/digest/edition-deliver.js';
import { acquireLease } from '../src/jobs/leases.js';
import { digestMessageId, editionEndsEverywhere } from '../src/digest/edition-key.js';
import { subscribers } from './support/digest-fixtures.js';
import { digestHarness as digestHarnessOn, type DigestHarness } from './support/digest-harness.js';

/** The database each describe.each(DIALECTS) block runs on. */
let dialect: TestDialect = DIALECTS[0]!;
const digestHarness = (...[list, opts]: Parameters<typeof digestHarnessOn>) => digestHarnessOn(list, { ...opts, dialect });
import { freePort } from './support/smtp-sink.js';

const EDITION: EditionKey = { date: '2025-03-14', frequency: 'daily' };
const WHOLE_DAY = editionEndsEverywhere(EDITION.date);

let h: DigestHarness | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});

async function composeAndDeliver(harness: DigestHarness, wait = false) {
  const composed = await composeEdition(harness.runtime, EDITION, { now: WHOLE_DAY });
  const delivered = await deliverEdition(harness.runtime, EDITION, { workerId: 'test', waitForRetries: wait });
  return { composed, delivered };
}

describe.each(DIALECTS)('digest delivery over SMTP on $name', (each) => {
  beforeEach(() => {
    dialect = each;
  });

  it('delivers one multipart message per subscriber with the derived Message-ID and the composer’s headers', async () => {
    h = await digestHarness(subscribers(12));
    const { composed, delivered } = await composeAndDeliver(h);
    expect(composed).toMatchObject({ due: 12, created: 12, skipped: 0, composeFailed: 0 });
    expect(delivered).toMatchObject({ sent: 12, deferred: 0, failed: 0 });
    expect(h.sink.received).toHaveLength(12);
    expect([...h.sink.countsByRecipient().values()].every((n) => n === 1)).toBe(true);

    const mail = h.sink.received.find((m) => m.to[0] === 'reader3@example.test')!;
    const parsed = mail.parsed!;
    expect(parsed.messageId).toBe(`<${digestMessageId(EDITION, 3, h.runtime.settings.secret, 'paperboy.test')}>`);
    expect(parsed.messageId).toMatch(/^<digest-2025-03-14-daily-3\.[0-9a-f]{8}@paperboy\.test>$/);
    expect(parsed.subject).toBe('Trending papers for 2025-03-14');
    expect(parsed.from?.value[0]).toMatchObject({ name: 'Paperboy', address: 'digest@paperboy.test' });
    const header = (name: string) => parsed.headerLines.find((l) => l.key === name)?.line;
    expect(header('list-unsubscribe')).toBe('List-Unsubscribe: <https://paperboy.test/unsubscribe/3>');
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(mail.raw.toString()).toMatch(/Content-Type: multipart\/alternative/i);
    expect(parsed.text).toContain('https://arxiv.org/abs/2401.00003');
    expect(parsed.html).toContain('<a href="https://arxiv.org/abs/2401.00003">');

    const rows = await h.messages();
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
    const papers = await digestDb(h.ctx.database.db).selectFrom('digest_sent_papers').selectAll().where('subscriber_id', '=', 3).execute();
    expect(papers.map((p) => p.paper_id).sort()).toEqual(['2401.00003', '2401.99999']);
  });

  it('sends nothing twice when the same edition is composed and sent again', async () => {
    h = await digestHarness(subscribers(8));
    await composeAndDeliver(h);
    const again = await composeAndDeliver(h);
    expect(again.composed).toMatchObject({ due: 8, alreadyHad: 8, created: 0 });
    expect(again.delivered.sent).toBe(0);
    expect(h.composer.composedCount).toBe(8);
    expect(h.sink.received).toHaveLength(8);
  });

  it('records skipped and compose failures instead of dropping them silently', async () => {
    h = await digestHarness(subscribers(5));
    h.composer.nothingNewFor.add(2);
    h.composer.brokenFor.add(4);
    const { composed, delivered } = await composeAndDeliver(h);
    expect(composed).toMatchObject({ created: 3, skipped: 1, composeFailed: 1 });
    expect(delivered.sent).toBe(3);
    const rows = await h.messages();
    expect(rows.find((r) => r.subscriber_id === 2)).toMatchObject({ status: 'skipped', last_error: 'nothing new for this subscriber' });
    expect(rows.find((r) => r.subscriber_id === 4)).toMatchObject({ status: 'failed', last_error: 'compose failed: template exploded' });
  });

  it('retries while connections are refused and delivers once the server comes up', async () => {
    const port = await freePort();
    h = await digestHarness(subscribers(6), { startSink: false, sinkPort: port });
    await composeEdition(h.runtime, EDITION, { now: WHOLE_DAY });
    const sink = h.sink;
    setTimeout(() => void sink.start(), 400);
    const delivered = await deliverEdition(h.runtime, EDITION, { workerId: 'test', waitForRetries: true });
    expect(delivered.sent).toBe(6);
    expect(delivered.deferred).toBeGreaterThanOrEqual(6);
    expect(h.sink.received).toHaveLength(6);
    expect([...h.sink.countsByRecipient().values()].every((n) => n === 1)).toBe(true);
    expect((await h.messages()).every((r) => r.status === 'sent' && r.attempts > 1)).toBe(true);
  });

  it('retries 421 and 451 replies, then delivers each message once', async () => {
    h = await digestHarness(subscribers(6));
    const seen = new Map<string, number>();
    h.sink.behaviour.onRcpt = (address) => {
      const n = (seen.get(address) ?? 0) + 1;
      seen.set(address, n);
      if (address === 'reader1@example.test' && n <= 2) return { code: 421, message: 'Service shutting down, try later' };
      if (address.endsWith('2@example.test') && n === 1) return { code: 451, message: 'Greylisted, try again later' };
      return undefined;
    };
    let dataDeferred = false;
    h.sink.behaviour.onMessage = (_raw, to) => {
      if (to[0] === 'reader5@example.test' && !dataDeferred) {
        dataDeferred = true;
        return { code: 452, message: 'Insufficient system storage' };
      }
      return undefined;
    };
    const { delivered } = await composeAndDeliver(h, true);
    expect(delivered.sent).toBe(6);
    expect(delivered.failed).toBe(0);
    expect(h.sink.received).toHaveLength(6);
    expect([...h.sink.countsByRecipient().values()].every((n) => n === 1)).toBe(true);
    const rows = await h.messages();
    // 421 closes the session; Nodemailer may move the untouched message to a fresh connection itself.
    expect(seen.get('reader1@example.test')).toBe(3);
    expect(rows.find((r) => r.subscriber_id === 1)?.attempts).toBeGreaterThanOrEqual(2);
    expect(rows.find((r) => r.subscriber_id === 2)?.attempts).toBe(2);
    expect(rows.find((r) => r.subscriber_id === 5)?.attempts).toBe(2);
  });

  it('fails a 550 rejection at once with its code, without retrying, and gives back its papers', async () => {
    h = await digestHarness(subscribers(4));
    let attempts = 0;
    h.sink.behaviour.onRcpt = (address) => {
      if (address !== 'reader2@example.test') return undefined;
      attempts += 1;
      return { code: 550, message: '5.1.1 No such user' };
    };
    const { delivered } = await composeAndDeliver(h, true);
    expect(delivered).toMatchObject({ sent: 3, failed: 1, deferred: 0 });
    expect(attempts).toBe(1);
    const failed = (await h.messages()).find((r) => r.subscriber_id === 2)!;
    expect(failed).toMatchObject({ status: 'failed', smtp_code: 550, attempts: 1 });
    expect(failed.last_error).toMatch(/No such user/);
    const papers = await digestDb(h.ctx.database.db).selectFrom('digest_sent_papers').selectAll().where('subscriber_id', '=', 2).execute();
    expect(papers).toEqual([]);
  });

  it('treats a server too slow to answer as a timeout and retries', async () => {
    h = await digestHarness(subscribers(2), { timeoutMs: 300 });
    h.sink.behaviour.rcptDelayMs = 1000;
    setTimeout(() => (h!.sink.behaviour.rcptDelayMs = 0), 500);
    const { delivered } = await composeAndDeliver(h, true);
    expect(delivered.sent).toBe(2);
    expect(delivered.deferred).toBeGreaterThanOrEqual(1);
    expect(h.sink.received).toHaveLength(2);
    const rows = await h.messages();
    expect(rows.some((r) => r.attempts > 1)).toBe(true);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
  });

  it('gives up on a message still deferred at the edition’s deadline, keeping the last error', async () => {
    h = await digestHarness(subscribers(1));
    h.sink.behaviour.onRcpt = () => ({ code: 451, message: 'Try again later' });
    await composeEdition(h.runtime, EDITION, { now: WHOLE_DAY });
    // A deadline that has already passed: catch-up compose got a window from "now", so move it back.
    await digestDb(h.ctx.database.db).updateTable('digest_messages').set({ deadline_at: new Date(Date.now() + 150).toISOString() }).execute();
    const delivered = await deliverEdition(h.runtime, EDITION, { workerId: 'test', waitForRetries: true });
    expect(delivered.sent).toBe(0);
    const [row] = await h.messages();
    expect(row).toMatchObject({ status: 'failed', smtp_code: null });
    expect(row!.last_error).toMatch(/(gave up|deadline).*Try again later/);
  });

  it('suspends a subscriber after three consecutive hard bounces across editions', async () => {
    h = await digestHarness(subscribers(2));
    h.sink.behaviour.onRcpt = (address) => (address === 'reader1@example.test' ? { code: 550, message: 'mailbox disabled' } : undefined);
    for (const date of ['2025-03-10', '2025-03-11', '2025-03-12']) {
      const edition: EditionKey = { date, frequency: 'daily' };
      await composeEdition(h.runtime, edition, { now: editionEndsEverywhere(date) });
      await deliverEdition(h.runtime, edition, { workerId: 'test' });
      expect(h.audience.suspended.has(1)).toBe(date === '2025-03-12');
    }
    expect(h.audience.suspended.get(1)).toMatch(/3 consecutive hard bounces; last: .*550/);
    expect(h.audience.suspended.has(2)).toBe(false);
  });

  it('marks messages left sending by a dead or stuck worker unknown, never resends them, and lets a live worker’s result stand', async () => {
    h = await digestHarness(subscribers(4));
    await composeEdition(h.runtime, EDITION, { now: WHOLE_DAY });
    const db = h.ctx.database.db;
    const now = new Date();
    const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000).toISOString();
    await acquireLease(db, `${WORKER_LEASE_PREFIX}alive`, 'alive', 60_000, now);
    const claim = (subscriber: number, by: string, at: string) =>
      digestDb(db).updateTable('digest_messages').set({ status: 'sending', claimed_by: by, claimed_at: at, attempts: 1 }).where('subscriber_id', '=', subscriber).execute();
    await claim(1, 'dead', minutesAgo(1)); // its worker holds no lease: crashed
    await claim(2, 'alive', minutesAgo(1)); // in flight right now
    await claim(3, 'alive', minutesAgo(30)); // alive but stuck far beyond any SMTP timeout

    const delivered = await deliverEdition(h.runtime, EDITION, { workerId: 'resumer' });
    expect(delivered).toMatchObject({ abandoned: 2, sent: 1 });
    const byId = new Map((await h.messages()).map((r) => [r.subscriber_id, r]));
    expect(byId.get(1)).toMatchObject({ status: 'unknown', attempts: 1 });
    expect(byId.get(1)!.last_error).toMatch(/worker dead stopped while sending .*not resent automatically/);
    expect(byId.get(2)!.status).toBe('sending');
    expect(byId.get(3)!.status).toBe('unknown');
    expect(h.sink.received.map((m) => m.to[0])).toEqual(['reader4@example.test']);

    // A second sweep changes nothing; the live worker then reports its send, which overrides the guess.
    expect(await markAbandoned(db, new Date(), 10 * 60_000)).toBe(0);
    await recordSent(db, byId.get(3)!.id, 'alive', '250 OK queued as X', new Date());
    expect((await h.messages()).find((r) => r.subscriber_id === 3)!.status).toBe('sent');
  });
});
