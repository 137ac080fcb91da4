/**
 * The seam between digest delivery (editions, claims, SMTP, retries — this
 * package) and subscriptions (who is subscribed, what they read about, how a
 * digest looks — src/subscribers and src/digest/compose-*). Delivery depends
 * on these two small interfaces only; the subscriptions side implements them.
 */

export type DigestFrequency = 'daily' | 'weekly';

/** One issue of the digest: a date (the subscriber's local date) and a frequency. */
export interface EditionKey {
  /** `YYYY-MM-DD`, the subscriber's local calendar date the edition belongs to. */
  date: string;
  frequency: DigestFrequency;
}

export interface DueSubscriber {
  id: number;
  email: string;
  /** IANA time zone name; the scheduler uses it to keep only subscribers for whom `edition.date` is today. */
  timezone: string;
  frequency: DigestFrequency;
}

export interface DigestAudience {
  /**
   * Confirmed, not suspended subscribers whose period includes `edition.date`
   * (daily: every day they receive mail; weekly: their weekly day) and whose
   * local send time on `edition.date`, in their own time zone, is at or before
   * `now`. Yielded in batches (a few hundred each) so 100,000 subscribers never
   * sit in memory at once.
   *
   * Returning a subscriber who already has a message for this edition is
   * harmless: delivery keeps one message per (edition, subscriber).
   * `paperboy digest send --edition D` asks with `now` = the end of D
   * everywhere on earth, i.e. "everyone whose period it is".
   */
  dueSubscribers(edition: EditionKey, now: Date): AsyncIterable<DueSubscriber[]>;
  /**
   * Of these subscribers, the ones that may still be mailed right now
   * (confirmed, not suspended). Delivery asks just before sending stored
   * messages: someone who unsubscribed after their message was composed (or
   * while it waited for a retry) gets nothing.
   */
  stillConfirmed(subscriberIds: readonly number[]): Promise<Set<number>>;
  /**
   * Called by delivery when a subscriber's address has been rejected
   * permanently (5xx) for several consecutive editions (DIGEST_BOUNCE_LIMIT):
   * stop mailing them until they act. Must be idempotent.
   */
  suspend(subscriberId: number, reason: string): Promise<void>;
}

export interface ComposedDigest {
  subject: string;
  html: string;
  text: string;
  /** Passed through verbatim: List-Unsubscribe, List-Unsubscribe-Post, List-Id… */
  headers: Record<string, string>;
  /** Public paper ids in the mail; recorded in digest_sent_papers so later editions can leave them out. */
  paperIds: string[];
}

export interface DigestComposer {
  /** The digest for one subscriber, or null when there is nothing new for them (recorded as 'skipped'). */
  compose(subscriber: DueSubscriber, edition: EditionKey): Promise<ComposedDigest | null>;
}

/** What the CLI and the scheduler need from the subscriptions side, built per context. */
export interface DigestParts {
  audience: DigestAudience;
  composer: DigestComposer;
}

export const MESSAGE_STATUSES = ['pending', 'sending', 'sent', 'failed', 'skipped', 'unknown'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];
