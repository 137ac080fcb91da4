/**
 * "What would this subscriber get?" for `paperboy digest preview` and
 * `GET /digest/preview`: the very composer the delivery engine uses, for the
 * subscriber's own frequency and an edition date (default: today in their
 * time zone). Nothing is recorded; a preview never counts as sent.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { findSubscriberByEmail, type Subscriber } from '../subscribers/subscriber-store.js';
import { localTime } from '../subscribers/time-zones.js';
import type { SubscriberDigestComposer } from './compose-digest.js';
import type { ComposedDigest, EditionKey } from './delivery-types.js';

export type DigestPreview =
  | { found: false }
  | { found: true; subscriber: Subscriber; edition: EditionKey; digest: ComposedDigest | null; note?: string };

const STATUS_NOTES: Record<string, string> = {
  pending: 'not confirmed yet: nothing is sent until the address is confirmed',
  unsubscribed: 'unsubscribed: nothing would be sent',
  suspended: 'suspended after repeated bounces: nothing would be sent',
};

export async function previewDigest(db: Kysely<Database>, composer: SubscriberDigestComposer, email: string, editionDate: string | undefined, now: Date): Promise<DigestPreview> {
  const subscriber = await findSubscriberByEmail(db, email.trim().toLowerCase());
  if (!subscriber) return { found: false };
  const edition: EditionKey = { date: editionDate ?? localTime(now, subscriber.timezone).date, frequency: subscriber.frequency };
  const digest = await composer.composeFor(subscriber, edition);
  return { found: true, subscriber, edition, digest, note: STATUS_NOTES[subscriber.status] };
}
