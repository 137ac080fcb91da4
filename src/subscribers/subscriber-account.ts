/**
 * What a subscriber can do from the links in their mail, without a password:
 * read and change their preferences, and unsubscribe. The signed link is the
 * whole authorisation — it names one purpose and one subscriber id.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { TokenSigner } from '../security/signed-tokens.js';
import type { Preferences } from './preferences.js';
import { findSubscriberById, listTopics, preferencesPatch, replaceTopics, updateSubscriber, type Subscriber } from './subscriber-store.js';

export type LinkPurpose = 'preferences' | 'unsubscribe';
export type LinkCheck = { ok: true; subscriber: Subscriber } | { ok: false; reason: 'invalid' | 'expired' };

export interface SubscriberAccountDeps {
  db: Kysely<Database>;
  tokens: TokenSigner;
  clock?: () => Date;
}

export function preferencesOf(subscriber: Subscriber, topics: Preferences['topics']): Preferences {
  return {
    frequency: subscriber.frequency,
    sendHour: subscriber.sendHour,
    timezone: subscriber.timezone,
    weekends: subscriber.weekends,
    papersPerMail: subscriber.papersPerMail,
    topics,
  };
}

export class SubscriberAccount {
  private readonly clock: () => Date;

  constructor(private readonly deps: SubscriberAccountDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  /** The subscriber a link is for, if the link is genuine, meant for this purpose and not expired. */
  async resolve(token: string, purpose: LinkPurpose): Promise<LinkCheck> {
    const check = this.deps.tokens.verify(token, purpose, this.clock().getTime());
    if (!check.ok) return { ok: false, reason: check.reason === 'expired' ? 'expired' : 'invalid' };
    const id = Number(check.claims.sub);
    const subscriber = Number.isSafeInteger(id) ? await findSubscriberById(this.deps.db, id) : undefined;
    return subscriber ? { ok: true, subscriber } : { ok: false, reason: 'invalid' };
  }

  async preferences(subscriber: Subscriber): Promise<Preferences> {
    return preferencesOf(subscriber, await listTopics(this.deps.db, subscriber.id));
  }

  /** Saves validated preferences (settings and the full topic list) in one transaction. */
  async savePreferences(subscriber: Subscriber, preferences: Preferences): Promise<void> {
    const now = this.clock().toISOString();
    await this.deps.db.transaction().execute(async (trx) => {
      await updateSubscriber(trx, subscriber.id, preferencesPatch(preferences), now);
      await replaceTopics(trx, subscriber.id, preferences.topics);
    });
  }

  /**
   * Unsubscribes at once, whatever the state (pending and suspended too), and
   * idempotently: a second click, or a mail provider's repeated one-click
   * POST, changes nothing. The audience only selects confirmed subscribers,
   * so no later digest goes out. The confirmation throttle is reset: only the
   * mailbox owner holds this link, and if the click was a mistake, "subscribe
   * again" must send its confirmation now, not hours later.
   */
  async unsubscribe(subscriber: Subscriber): Promise<void> {
    if (subscriber.status === 'unsubscribed') return;
    const now = this.clock().toISOString();
    await updateSubscriber(this.deps.db, subscriber.id, { status: 'unsubscribed', unsubscribed_at: now, last_confirmation_sent_at: null }, now);
  }
}
