/**
 * The signed links every subscription mail carries. Each names one purpose
 * (a confirmation link cannot unsubscribe, an unsubscribe link cannot change
 * preferences) and the subscriber id, never the address, so links in
 * forwarded mail reveal nothing and survive nothing but their purpose.
 */
import type { Config } from '../config/config.js';
import type { TokenSigner } from '../security/signed-tokens.js';

const HOUR = 60 * 60;
const DAY = 24 * HOUR;

/** Confirmation links expire after 48 hours: an old unconfirmed request should not linger. */
export const CONFIRM_TTL_SECONDS = 48 * HOUR;
/** Preferences links live a year: every mail carries a fresh one. */
export const PREFERENCES_TTL_SECONDS = 365 * DAY;
/** Unsubscribe links must keep working from old mail in an archive (RFC 8058, provider rules): five years. */
export const UNSUBSCRIBE_TTL_SECONDS = 5 * 365 * DAY;

export class SubscriberLinks {
  constructor(
    private readonly tokens: TokenSigner,
    private readonly config: Pick<Config, 'publicUrl'> & { MAIL_FROM?: string },
  ) {}

  confirm(subscriberId: number, now = Date.now()): string {
    return `${this.config.publicUrl}/subscribe/confirm/${this.tokens.create('confirm-subscription', String(subscriberId), CONFIRM_TTL_SECONDS, now)}`;
  }

  preferences(subscriberId: number, now = Date.now()): string {
    return `${this.config.publicUrl}/preferences/${this.tokens.create('preferences', String(subscriberId), PREFERENCES_TTL_SECONDS, now)}`;
  }

  /** The HTTPS one-click URL and the mailto alternative, sharing one token. */
  unsubscribe(subscriberId: number, now = Date.now()): { url: string; mailto: string } {
    const token = this.tokens.create('unsubscribe', String(subscriberId), UNSUBSCRIBE_TTL_SECONDS, now);
    return { url: `${this.config.publicUrl}/unsubscribe/${token}`, mailto: `mailto:${senderAddress(this.config)}?subject=unsubscribe-${token}` };
  }
}

/** `MAIL_FROM` when configured (the delivery engine adds it), else a no-reply address at the public host. */
export function mailFrom(config: Pick<Config, 'publicUrl'> & { MAIL_FROM?: string }): string {
  if (config.MAIL_FROM) return config.MAIL_FROM;
  return `Paperboy <paperboy@${new URL(config.publicUrl).hostname}>`;
}

/** The bare address inside `Name <address>`. */
export function senderAddress(config: Pick<Config, 'publicUrl'> & { MAIL_FROM?: string }): string {
  const from = mailFrom(config);
  return /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
}
