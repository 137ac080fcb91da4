/** The knobs of digest delivery, read once from configuration (tests build them directly). */
import type { Config } from '../config/config.js';

export interface DeliverySettings {
  /** From: header of every digest. */
  from: string;
  /** Right-hand side of Message-IDs: the host of PUBLIC_URL. */
  messageIdHost: string;
  /** Key of the Message-ID HMAC. */
  secret: string;
  /** Messages in flight at once per delivery worker (bounds how many can end 'unknown' after a crash). */
  concurrency: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Retries stop this many hours after the edition's date has ended everywhere. */
  retryGraceHours: number;
  /** A message 'sending' for longer than this was abandoned, even if its worker still looks alive. */
  sendingLeaseMs: number;
  /** Lifetime of a delivery worker's liveness lease (renewed every third of it). */
  workerTtlMs: number;
  /** Consecutive hard bounces before the subscriber is suspended. */
  bounceLimit: number;
}

export function deliverySettings(config: Config, secret: string): DeliverySettings {
  return {
    from: config.MAIL_FROM,
    messageIdHost: new URL(config.publicUrl).hostname,
    secret,
    concurrency: config.SMTP_POOL_SIZE,
    retryBaseMs: config.DIGEST_RETRY_BASE_SECONDS * 1000,
    retryMaxMs: 3_600_000,
    retryGraceHours: config.DIGEST_RETRY_HOURS,
    // Far longer than any single SMTP exchange can last (timeouts are a minute by default).
    sendingLeaseMs: Math.max(10 * 60_000, config.SMTP_TIMEOUT_MS * 5),
    workerTtlMs: 60_000,
    bounceLimit: config.DIGEST_BOUNCE_LIMIT,
  };
}

/** Exponential backoff with jitter (50–100 % of the step), so retries of many messages spread out. */
export function retryDelayMs(attempts: number, settings: Pick<DeliverySettings, 'retryBaseMs' | 'retryMaxMs'>, random = Math.random): number {
  const step = Math.min(settings.retryBaseMs * 2 ** Math.max(0, attempts - 1), settings.retryMaxMs);
  return Math.round(step * (0.5 + random() * 0.5));
}
