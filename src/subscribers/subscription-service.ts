/**
 * Subscribing with double opt-in. A request never tells the requester what
 * the address's state was: new, pending, confirmed or unsubscribed all get
 * the same answer, and the mail (if any) leaves after the response. Each
 * address gets at most one mail per SUBSCRIBE_CONFIRM_INTERVAL_HOURS however
 * often it is entered, so Paperboy cannot be used to flood someone's inbox.
 */
import type { Kysely } from 'kysely';
import type { Config } from '../config/config.js';
import type { Database } from '../db/schema.js';
import type { TokenClaims, TokenSigner } from '../security/signed-tokens.js';
import { alreadySubscribedMail, confirmationMail } from './confirmation-mail.js';
import type { MailDispatcher } from './mail-dispatch.js';
import { SubscriberLinks, CONFIRM_TTL_SECONDS, mailFrom } from './subscriber-links.js';
import {
  claimConfirmationSlot,
  consumeToken,
  deleteUnconfirmedBefore,
  findSubscriberByEmail,
  findSubscriberById,
  insertPendingSubscriber,
  isTokenConsumed,
  replaceTopics,
  updateSubscriber,
  type Subscriber,
} from './subscriber-store.js';
import type { SubscribeRequest } from './subscribe-request.js';

/** An address entered but never confirmed is forgotten after this long. */
export const UNCONFIRMED_RETENTION_DAYS = 30;

export type SubscriptionConfig = Pick<Config, 'publicUrl' | 'SUBSCRIBE_CONFIRM_INTERVAL_HOURS'> & { MAIL_FROM?: string };

export interface SubscriptionServiceDeps {
  db: Kysely<Database>;
  tokens: TokenSigner;
  config: SubscriptionConfig;
  dispatcher: MailDispatcher;
  clock?: () => Date;
}

/** Why a confirmation link is refused; each maps to one page. */
export type ConfirmRefusal = 'invalid' | 'expired' | 'used';

export type ConfirmCheck = { ok: true; subscriber: Subscriber; claims: TokenClaims } | { ok: false; reason: ConfirmRefusal };

export class SubscriptionService {
  private readonly links: SubscriberLinks;
  private readonly clock: () => Date;

  constructor(private readonly deps: SubscriptionServiceDeps) {
    this.links = new SubscriberLinks(deps.tokens, deps.config);
    this.clock = deps.clock ?? (() => new Date());
  }

  /** Records the request and, unless this address was mailed recently, queues one mail. Same outcome for every address state. */
  async request(input: SubscribeRequest): Promise<void> {
    const now = this.clock();
    // Housekeeping rides on subscribe requests instead of needing a job of its own.
    await deleteUnconfirmedBefore(this.deps.db, new Date(now.getTime() - UNCONFIRMED_RETENTION_DAYS * 86_400_000).toISOString());
    const subscriber = await this.upsert(input, now.toISOString());
    const notBefore = new Date(now.getTime() - this.deps.config.SUBSCRIBE_CONFIRM_INTERVAL_HOURS * 3_600_000).toISOString();
    if (!(await claimConfirmationSlot(this.deps.db, subscriber.id, now.toISOString(), notBefore))) return;
    this.queueMail(subscriber, now);
  }

  /**
   * A new address becomes a pending row. For one that is not receiving
   * digests (pending, unsubscribed, suspended) the newest request's choices
   * replace the old ones — they only take effect once the mailbox owner
   * confirms. A confirmed subscriber's settings are never changed by an
   * unauthenticated request: only their preferences link can do that.
   */
  private async upsert(input: SubscribeRequest, now: string): Promise<Subscriber> {
    const { db } = this.deps;
    const existing = await findSubscriberByEmail(db, input.email);
    if (!existing) {
      await db.transaction().execute(async (trx) => {
        const inserted = await insertPendingSubscriber(trx, input, now);
        const row = inserted ? await findSubscriberByEmail(trx, input.email) : undefined;
        if (row && input.topics) await replaceTopics(trx, row.id, input.topics);
      });
    } else if (existing.status !== 'confirmed') {
      await db.transaction().execute(async (trx) => {
        await updateSubscriber(trx, existing.id, { frequency: input.frequency, timezone: input.timezone, source: input.source }, now);
        if (input.topics) await replaceTopics(trx, existing.id, input.topics);
      });
    }
    const subscriber = await findSubscriberByEmail(db, input.email);
    if (!subscriber) throw new Error('subscriber row vanished while subscribing');
    return subscriber;
  }

  private queueMail(subscriber: Subscriber, now: Date): void {
    const { config } = this.deps;
    const from = mailFrom(config);
    const at = now.getTime();
    this.deps.dispatcher.dispatch(() =>
      subscriber.status === 'confirmed'
        ? alreadySubscribedMail({
            from,
            to: subscriber.email,
            siteUrl: config.publicUrl,
            preferencesLink: this.links.preferences(subscriber.id, at),
            unsubscribeLink: this.links.unsubscribe(subscriber.id, at).url,
          })
        : confirmationMail({ from, to: subscriber.email, siteUrl: config.publicUrl, link: this.links.confirm(subscriber.id, at) }),
    );
  }

  /** Checks a confirmation link without using it (the GET page). */
  async checkConfirmation(token: string): Promise<ConfirmCheck> {
    const now = this.clock();
    const check = this.deps.tokens.verify(token, 'confirm-subscription', now.getTime());
    if (!check.ok) return { ok: false, reason: check.reason === 'expired' ? 'expired' : 'invalid' };
    const id = Number(check.claims.sub);
    const subscriber = Number.isSafeInteger(id) ? await findSubscriberById(this.deps.db, id) : undefined;
    if (!subscriber) return { ok: false, reason: 'invalid' };
    if (supersededByState(check.claims, subscriber) || (await isTokenConsumed(this.deps.db, check.claims.jti))) return { ok: false, reason: 'used' };
    return { ok: true, subscriber, claims: check.claims };
  }

  /** Uses a confirmation link: the subscriber is confirmed and the link can never be used again. */
  async confirm(token: string): Promise<ConfirmCheck> {
    const check = await this.checkConfirmation(token);
    if (!check.ok) return check;
    const now = this.clock().toISOString();
    const { subscriber, claims } = check;
    const confirmed = await this.deps.db.transaction().execute(async (trx) => {
      // Consuming the id first makes two simultaneous clicks confirm once.
      if (!(await consumeToken(trx, claims.jti, now))) return false;
      if (subscriber.status !== 'confirmed') {
        await updateSubscriber(trx, subscriber.id, { status: 'confirmed', confirmed_at: now, suspended_at: null, suspended_reason: null, consecutive_hard_bounces: 0 }, now);
      }
      return true;
    });
    if (!confirmed) return { ok: false, reason: 'used' };
    const fresh = await findSubscriberById(this.deps.db, subscriber.id);
    return { ok: true, subscriber: fresh ?? subscriber, claims };
  }

  /** A signed preferences link for a subscriber (shown after confirming, so they can pick topics at once). */
  preferencesLink(subscriber: Subscriber): string {
    return this.links.preferences(subscriber.id, this.clock().getTime());
  }
}

/**
 * A confirmation link is spent once anything happened after it was minted:
 * a confirmation (this link or a sibling — the used-token table is only a
 * second line, since other areas prune it after minutes) or an unsubscribe
 * (an old confirmation mail must not silently undo an unsubscribe). Token
 * times are whole seconds, so only events in a strictly later second count;
 * within the same second the used-token record decides.
 */
function supersededByState(claims: TokenClaims, subscriber: Subscriber): boolean {
  const issuedAt = claims.exp - CONFIRM_TTL_SECONDS;
  const after = (iso: string | null) => iso !== null && Math.floor(Date.parse(iso) / 1000) > issuedAt;
  return after(subscriber.confirmedAt) || after(subscriber.unsubscribedAt);
}
