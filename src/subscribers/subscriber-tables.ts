/**
 * Table types for the subscription tables (migration 005). They are kept
 * beside their query module rather than in db/schema.ts so that this area
 * can evolve without touching a file every area shares; `subscriberDb`
 * widens the shared Kysely instance with them.
 */
import type { Generated, Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export const SUBSCRIBER_STATUSES = ['pending', 'confirmed', 'unsubscribed', 'suspended'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

export const FREQUENCIES = ['daily', 'weekly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export const TOPIC_KINDS = ['query', 'category', 'author'] as const;
export type TopicKind = (typeof TOPIC_KINDS)[number];

/** `Generated` marks columns with a database default: optional on insert. */
export interface SubscribersTable {
  id: Generated<number>;
  /** Lower-cased; unique. */
  email: string;
  status: SubscriberStatus;
  frequency: Frequency;
  /** Local hour (0–23) in `timezone` from which the day's digest may go out. */
  send_hour: Generated<number>;
  /** IANA time zone name, validated with Intl before it is stored. */
  timezone: string;
  /** 1: daily digests on Saturday and Sunday too. */
  weekends: Generated<number>;
  papers_per_mail: Generated<number>;
  /** Where the subscription came from: 'form' or 'api'. */
  source: string;
  created_at: string;
  updated_at: string;
  confirmed_at: string | null;
  unsubscribed_at: string | null;
  last_confirmation_sent_at: string | null;
  suspended_at: string | null;
  suspended_reason: string | null;
  consecutive_hard_bounces: Generated<number>;
}

export interface SubscriberTopicsTable {
  id: Generated<number>;
  subscriber_id: number;
  kind: TopicKind;
  value: string;
}

/** Ids of consumed single-use tokens (created by 003-accounts and shared with magic sign-in links). */
export interface UsedTokensView {
  jti: string;
  used_at: string;
}

/**
 * What each subscriber was sent (created by the delivery engine's migration);
 * only the columns the composer reads.
 */
export interface DigestSentPapersView {
  subscriber_id: number;
  paper_id: string;
  edition_id: number;
}

// A type alias, not an interface: withTables() needs the implicit index signature.
export type SubscriberTables = {
  subscribers: SubscribersTable;
  subscriber_topics: SubscriberTopicsTable;
  used_tokens: UsedTokensView;
  digest_sent_papers: DigestSentPapersView;
};

export type SubscriberDb = Kysely<Database & SubscriberTables>;

/** The shared connection, typed with the subscription tables as well. */
export function subscriberDb(db: Kysely<Database>): SubscriberDb {
  return db.withTables<SubscriberTables>();
}
