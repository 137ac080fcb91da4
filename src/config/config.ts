/**
 * Configuration comes from the environment (12-factor), is validated once at
 * start, and fails fast with one message listing every problem.
 */
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

const EnvSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('localhost'),
  DATABASE_URL: z.string().min(1).default('./data/paperboy.db'),
  /** PostgreSQL only: connections each Paperboy process keeps in its pool. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
  DATA_DIR: z.string().min(1).default('./data'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  /** Sender of every mail Paperboy sends (digests, confirmations). */
  MAIL_FROM: z.string().min(3).default('Paperboy <paperboy@localhost>'),
  /** SMTP connections kept open at once; also how many digests are in flight at once. */
  SMTP_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(5),
  /** Messages per second handed to the SMTP server at most; 0 means no limit (set it to your provider's quota). */
  SMTP_RATE_PER_SECOND: z.coerce.number().min(0).default(0),
  /** Connection, greeting and socket timeout of SMTP; a timed-out message is retried later. */
  SMTP_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  /** DKIM signing: all of domain, selector and key (inline PEM or a file) or none. */
  DKIM_DOMAIN: z.string().min(1).optional(),
  DKIM_SELECTOR: z.string().min(1).optional(),
  DKIM_PRIVATE_KEY: z.string().min(1).optional(),
  DKIM_PRIVATE_KEY_FILE: z.string().min(1).optional(),
  /** Cron schedule of the digest job: each tick sends the editions whose local send hour has come. */
  DIGEST_SCHEDULE: z.string().default('*/5 * * * *'),
  /** Retries of a deferred digest stop this many hours after the edition's date has ended everywhere on earth. */
  DIGEST_RETRY_HOURS: z.coerce.number().min(0).max(24 * 7).default(6),
  /** First retry delay of a deferred digest (doubles per attempt, with jitter, up to an hour). */
  DIGEST_RETRY_BASE_SECONDS: z.coerce.number().min(0).default(60),
  /**
   * Delivery threads the server runs beside its scheduler (0 = the scheduler's tick delivers alone):
   * an edition goes out on a second core while it is still being composed.
   */
  DIGEST_DELIVERY_THREADS: z.coerce.number().int().min(0).max(16).default(1),
  /**
   * Memory for the server's in-memory bitsets of common words (SQLite search; 0 = none): queries of
   * common words whose intersection is small are answered from them instead of FTS5's walk.
   */
  SEARCH_BITSETS_MB: z.coerce.number().int().min(0).max(65536).default(256),
  /** Consecutive hard bounces (5xx) after which a subscriber is suspended. */
  DIGEST_BOUNCE_LIMIT: z.coerce.number().int().min(1).default(3),
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  SECRET_KEY: z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -hex 32`)').optional(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
  /** Comma-separated harvest sources for `paperboy sync` and the scheduler; empty = no network. */
  SYNC_SOURCES: z.string().default(''),
  /** Cron expression for the scheduled sync (server's time zone unless SYNC_TZ). */
  SYNC_SCHEDULE: z.string().default('15 */6 * * *'),
  SYNC_TZ: z.string().optional(),
  /** First date to harvest from when a source has never been harvested. */
  SYNC_START_DATE: z.iso.date().optional(),
  ARXIV_API_URL: z.url().default('https://export.arxiv.org/api/query'),
  ARXIV_OAI_URL: z.url().default('https://oaipmh.arxiv.org/oai'),
  HF_API_URL: z.url().default('https://huggingface.co/api'),
  ARXIV_RSS_URL: z.url().default('https://rss.arxiv.org/rss'),
  /** Minimum milliseconds between two requests to arXiv (their policy asks for 3 s). */
  ARXIV_REQUEST_INTERVAL_MS: z.coerce.number().int().min(0).default(3000),
  HTTP_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  /** Retries of a failed request (network error, 429, 5xx) before giving up. */
  HTTP_MAX_RETRIES: z.coerce.number().int().min(0).max(20).default(4),
  /** First backoff step; it doubles per retry (with jitter), capped at two minutes. */
  HTTP_RETRY_BASE_MS: z.coerce.number().int().min(0).default(2000),
  /** Load the bundled demo corpus into an empty catalogue on start. */
  DEMO_CORPUS: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((v) => v === 'true' || v === '1'),
  OPERATOR_EMAIL: z.email().optional(),
  /** GitHub REST API for trending's star counts; the server polls it only when GITHUB_TOKEN is set. */
  GITHUB_API_URL: z.url().default('https://api.github.com'),
  GITHUB_TOKEN: z.string().min(1).optional(),
  /** Cron expression for the GitHub star poll (server's time zone). */
  GITHUB_POLL_SCHEDULE: z.string().default('40 */3 * * *'),
  /** Sender's postal address, printed in every digest footer (bulk-sender rules and CAN-SPAM ask for one). */
  MAIL_POSTAL_ADDRESS: z.string().max(300).optional(),
  /** At most one subscription confirmation mail per address within this many hours (no mail-bombing through us). */
  SUBSCRIBE_CONFIRM_INTERVAL_HOURS: z.coerce.number().min(0).max(24 * 30).default(4),
  /** Send a short "nothing new today" digest instead of skipping the day. */
  DIGEST_SEND_EMPTY: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
});

export type Config = z.infer<typeof EnvSchema> & { publicUrl: string };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; empty strings count as unset so `FOO= npm start` means "default". */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<string, string>> = {}): Config {
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...env, ...overrides })) {
    if (value !== undefined && value !== '') cleaned[key] = value;
  }
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const config = result.data;
  if (config.NODE_ENV === 'production' && !config.SECRET_KEY) {
    throw new ConfigError(['SECRET_KEY: required in production (e.g. `openssl rand -hex 32`)']);
  }
  const publicUrl = (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
  return { ...config, publicUrl };
}

export function userAgent(config: Config): string {
  const contact = config.OPERATOR_EMAIL ? `; mailto:${config.OPERATOR_EMAIL}` : '';
  return `Paperboy/0.1 (+${config.publicUrl}${contact})`;
}
