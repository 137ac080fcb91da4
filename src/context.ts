/**
 * The long-lived dependencies every entry point needs (server, CLI commands,
 * benchmarks), created in one place and passed down: no module-level singletons.
 */
import { userAgent, type Config } from './config/config.js';
import { openDatabase, type DatabaseHandle } from './db/connection.js';
import { migrate } from './db/migrator.js';
import { repairFullTextIndex } from './catalogue/sqlite-fts-pending.js';
import { resolveSecretKey } from './config/secret-key.js';
import { createHttpClient, defaultMinIntervalFor, type HttpClient } from './ingest/fetch/http-client.js';
import { createMailTransport } from './mail/create-transport.js';
import type { MailTransport } from './mail/mail-transport.js';
import { TokenSigner } from './security/signed-tokens.js';

export interface AppContext {
  config: Config;
  database: DatabaseHandle;
  http: HttpClient;
  /** SECRET_KEY, or the development key kept in the data directory. */
  secretKey: string;
  tokens: TokenSigner;
  mail: MailTransport;
  close(): Promise<void>;
}

function isArxivHost(host: string): boolean {
  return host === 'arxiv.org' || host.endsWith('.arxiv.org');
}

export function createHttpFromConfig(config: Config, log?: (m: string) => void): HttpClient {
  return createHttpClient({
    userAgent: userAgent(config),
    timeoutMs: config.HTTP_TIMEOUT_MS,
    maxRetries: config.HTTP_MAX_RETRIES,
    retryBaseDelayMs: config.HTTP_RETRY_BASE_MS,
    maxRetryDelayMs: 120_000,
    minIntervalMsByHost: (host) => (isArxivHost(host) ? config.ARXIV_REQUEST_INTERVAL_MS : defaultMinIntervalFor(host)),
    log,
  });
}

/** Opens and migrates the database; the caller closes the context. */
export async function createContext(config: Config, log?: (m: string) => void): Promise<AppContext> {
  const database = await openDatabase(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE });
  try {
    await migrate(database);
    // Papers a bulk ingest that died left out of the full-text index are indexed now.
    repairFullTextIndex(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  const secretKey = resolveSecretKey(config);
  const mail = createMailTransport(config);
  return {
    config,
    database,
    http: createHttpFromConfig(config, log),
    secretKey,
    tokens: new TokenSigner(secretKey),
    mail,
    close: async () => {
      await mail.close();
      await database.close();
    },
  };
}
