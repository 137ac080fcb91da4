/**
 * A subscriber who unsubscribes after their digest was composed but before it
 * is sent (or while it waits for a retry) gets nothing: delivery asks the real
 * audience right before sending. Real SQLite, the real composer and audience,
 * the unsubscribe link of the stored message itself, Paperboy's SMTP
 * transport and a loopback SMTP server whose mail is parsed back.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SubscriberAudience } from '../src/digest/audience.js';
import { SubscriberDigestComposer } from '../src/digest/compose-digest.js';
import { digestDb } from '../src/digest/delivery-schema.js';
import type { EditionKey } from '../src/digest/delivery-types.js';
import { composeEdition } from '../src/digest/edition-compose.js';
import { deliverEdition } from '../src/digest/edition-deliver.js';
import type { DigestRuntime } from '../src/digest/edition-job.js';
import { editionEndsEverywhere } from '../src/digest/edition-key.js';
import { SmtpTransport } from '../src/mail/smtp-transport.js';
import { SubscriberAccount } from '../src/subscribers/subscriber-account.js';
import { testSettings } from './support/digest-fixtures.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';
import { addPapers, paper, seedSubscriber } from './support/subscription-fixtures.js';
import { createTempContext, type TempContext } from './support/temp-context.js';

const EDITION: EditionKey = { date: '2025-03-14', frequency: 'daily' };
const NOW = new Date('2025-03-14T12:00:00Z');

let ctx: TempContext;
let sink: SmtpSink;
let transport: SmtpTransport;
let runtime: DigestRuntime;
let ids: number[];

beforeEach(async () => {
  ctx = await createTempContext({ PUBLIC_URL: 'https://paperboy.test' });
  sink = await startSmtpSink();
  transport = new SmtpTransport({ url: sink.url, poolSize: 2, ratePerSecond: 0, timeoutMs: 2000 });
  const db = ctx.database.db;
  await addPapers(db, [paper({ title: 'Speculative decoding with tiny draft models' }, new Date('2025-03-13T12:00:00Z')), paper({ title: 'Robots that grasp' }, new Date('2025-03-13T15:00:00Z'))]);
  ids = [];
  for (const email of ['ann@example.test', 'bob@example.test', 'cy@example.test']) ids.push(await seedSubscriber(db, { email }));
  const composer = new SubscriberDigestComposer({ db, tokens: ctx.tokens, config: ctx.config, clock: () => NOW });
  // Retries a minute apart: within one run a deferred message is not tried again.
  runtime = { database: ctx.database, mail: transport, audience: new SubscriberAudience(db), composer, settings: testSettings({ concurrency: 2, retryBaseMs: 60_000, retryMaxMs: 60_000 }), log: () => undefined };
  const composed = await composeEdition(runtime, EDITION, { now: editionEndsEverywhere(EDITION.date) });
  expect(composed).toMatchObject({ created: 3, skipped: 0, composeFailed: 0 });
});

afterEach(async () => {
  await transport.close();
  await sink.stop();
  await ctx.dispose();
});

/** Unsubscribes the way the reader does: with the one-click link in the List-Unsubscribe header of their stored message. */
async function unsubscribeFromStoredMessage(subscriberId: number): Promise<void> {
  const row = await digestDb(ctx.database.db)
    .selectFrom('digest_messages')
    .innerJoin('digest_message_bodies', 'digest_message_bodies.message_id', 'digest_messages.id')
    .select('digest_message_bodies.headers')
    .where('digest_messages.subscriber_id', '=', subscriberId)
    .executeTakeFirstOrThrow();
  const header = (JSON.parse(row.headers) as Record<string, string>)['List-Unsubscribe']!;
  const token = /<https:\/\/paperboy\.test\/unsubscribe\/([^>]+)>/.exec(header)![1]!;
  const account = new SubscriberAccount({ db: ctx.database.db, tokens: ctx.tokens });
  const link = await account.resolve(token, 'unsubscribe');
  if (!link.ok) throw new Error(`unsubscribe link refused: ${link.reason}`);
  await account.unsubscribe(link.subscriber);
}

async function messageOf(subscriberId: number) {
  return digestDb(ctx.database.db).selectFrom('digest_messages').selectAll().where('subscriber_id', '=', subscriberId).executeTakeFirstOrThrow();
}

async function sentPapersOf(subscriberId: number): Promise<string[]> {
  const rows = await digestDb(ctx.database.db).selectFrom('digest_sent_papers').select('paper_id').where('subscriber_id', '=', subscriberId).execute();
  return rows.map((r) => r.paper_id);
}

describe('unsubscribing between composition and delivery', () => {
  it('drops the composed message: recorded skipped, never sent, its papers not counted as sent', async () => {
    const [ann, bob, cy] = ids as [number, number, number];
    expect(await sentPapersOf(bob)).toHaveLength(2);
    await unsubscribeFromStoredMessage(bob);

    const delivered = await deliverEdition(runtime, EDITION, { workerId: 'test' });
    expect(delivered).toMatchObject({ sent: 2, cancelled: 1, failed: 0, deferred: 0 });

    expect(sink.received.map((m) => m.to[0]).sort()).toEqual(['ann@example.test', 'cy@example.test']);
    for (const mail of sink.received) {
      expect(mail.parsed!.subject).toMatch(/Speculative decoding|Robots that grasp/);
      expect(mail.parsed!.text).toContain('Unsubscribe: https://paperboy.test/unsubscribe/');
    }
    const dropped = await messageOf(bob);
    expect(dropped).toMatchObject({ status: 'skipped', attempts: 1 });
    expect(dropped.last_error).toMatch(/unsubscribed/);
    expect(await sentPapersOf(bob)).toEqual([]);
    expect(await sentPapersOf(ann)).toHaveLength(2);
    expect(await sentPapersOf(cy)).toHaveLength(2);
    const bodies = await digestDb(ctx.database.db).selectFrom('digest_message_bodies').select('message_id').execute();
    expect(bodies).toEqual([]);

    // Nothing is left to send, and composing the edition again does not bring the message back.
    const again = await composeEdition(runtime, EDITION, { now: editionEndsEverywhere(EDITION.date) });
    expect(again).toMatchObject({ due: 2, alreadyHad: 2, created: 0 });
    expect((await deliverEdition(runtime, EDITION, { workerId: 'test' })).sent).toBe(0);
    expect(sink.received).toHaveLength(2);
  });

  it('drops a message waiting for a retry when its subscriber unsubscribes in the meantime', async () => {
    const [ann] = ids as [number, number, number];
    sink.behaviour.onRcpt = (address) => (address === 'ann@example.test' ? { code: 451, message: 'Greylisted, try again later' } : undefined);
    const first = await deliverEdition(runtime, EDITION, { workerId: 'test' });
    expect(first).toMatchObject({ sent: 2, deferred: 1, cancelled: 0 });
    expect(await messageOf(ann)).toMatchObject({ status: 'pending', attempts: 1 });

    await unsubscribeFromStoredMessage(ann);
    sink.behaviour.onRcpt = undefined;
    // The retry's time has come.
    await digestDb(ctx.database.db).updateTable('digest_messages').set({ next_attempt_at: new Date().toISOString() }).where('subscriber_id', '=', ann).execute();
    const retry = await deliverEdition(runtime, EDITION, { workerId: 'test' });
    expect(retry).toMatchObject({ sent: 0, cancelled: 1, pending: 0 });
    expect(sink.received.map((m) => m.to[0])).not.toContain('ann@example.test');
    expect(await messageOf(ann)).toMatchObject({ status: 'skipped', attempts: 2 });
    expect(await sentPapersOf(ann)).toEqual([]);
  });
});
