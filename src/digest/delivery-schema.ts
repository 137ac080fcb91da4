/**
 * Table types for the digest delivery tables (migration 006), kept beside
 * their query modules rather than in db/schema.ts so this area evolves
 * without touching a file every area shares; `digestDb` widens the shared
 * Kysely instance with them.
 */
import type { Generated, Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { DigestFrequency, MessageStatus } from './delivery-types.js';

export type EditionStatus = 'open' | 'delivering' | 'complete';

export interface DigestEditionsTable {
  id: Generated<number>;
  date: string;
  frequency: DigestFrequency;
  status: EditionStatus;
  created_at: string;
  composed_at: string | null;
  completed_at: string | null;
}

export interface DigestMessagesTable {
  id: Generated<number>;
  edition_id: number;
  subscriber_id: number;
  email: string;
  /** Without angle brackets. */
  message_id: string;
  status: MessageStatus;
  attempts: Generated<number>;
  next_attempt_at: string | null;
  deadline_at: string;
  claimed_by: string | null;
  claimed_at: string | null;
  last_error: string | null;
  /** Set only for a permanent SMTP rejection (a hard bounce), or the last temporary code of a retry. */
  smtp_code: number | null;
  /** The server's reply to an accepted message (often carries its queue id). */
  smtp_response: string | null;
  subject: string;
  /** JSON array of public paper ids. */
  paper_ids: Generated<string>;
  created_at: string;
  sent_at: string | null;
}

/** The rendered mail of a message still to be sent (or kept for a failed/unknown one). */
export interface DigestMessageBodiesTable {
  message_id: number;
  html: string;
  text: string;
  /** JSON object of extra headers (List-Unsubscribe…). */
  headers: string;
}

export interface DigestSentPapersTable {
  subscriber_id: number;
  paper_id: string;
  edition_id: number;
}

export interface SchedulerLocksTable {
  name: string;
  holder: string;
  /** ISO timestamp; an expired lease may be taken over. */
  expires_at: string;
}

// A type alias, not an interface: withTables() needs the implicit index signature.
export type DigestTables = {
  digest_editions: DigestEditionsTable;
  digest_messages: DigestMessagesTable;
  digest_message_bodies: DigestMessageBodiesTable;
  digest_sent_papers: DigestSentPapersTable;
  scheduler_locks: SchedulerLocksTable;
};

export type DigestDb = Kysely<Database & DigestTables>;

export function digestDb(db: Kysely<Database>): DigestDb {
  return db.withTables<DigestTables>();
}
