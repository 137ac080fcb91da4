/**
 * One digest delivery set-up for a test: a migrated temporary database, a
 * loopback SMTP sink, Paperboy's real SMTP transport pointed at it, the
 * in-memory audience and composer, and helpers to read the message table.
 */
import type { DeliverySettings } from '../../src/digest/delivery-settings.js';
import { digestDb } from '../../src/digest/delivery-schema.js';
import type { EditionKey } from '../../src/digest/delivery-types.js';
import type { DigestRuntime } from '../../src/digest/edition-job.js';
import { SmtpTransport } from '../../src/mail/smtp-transport.js';
import { ListAudience, SimpleComposer, testSettings, type TestSubscriber } from './digest-fixtures.js';
import { SmtpSink, startSmtpSink } from './smtp-sink.js';
import { createTempContext, type TempContext } from './temp-context.js';
import { createDialectContext, type TestDialect } from '../dialects.js';

export interface DigestHarness {
  ctx: TempContext;
  sink: SmtpSink;
  transport: SmtpTransport;
  audience: ListAudience;
  composer: SimpleComposer;
  runtime: DigestRuntime;
  logs: string[];
  messages(edition?: EditionKey): Promise<MessageRow[]>;
  dispose(): Promise<void>;
}

export interface MessageRow {
  id: number;
  subscriber_id: number;
  email: string;
  status: string;
  attempts: number;
  smtp_code: number | null;
  last_error: string | null;
  message_id: string;
}

export async function digestHarness(
  list: TestSubscriber[],
  opts: { settings?: Partial<DeliverySettings>; timeoutMs?: number; startSink?: boolean; sinkPort?: number; dialect?: TestDialect } = {},
): Promise<DigestHarness> {
  // ctx.dbPath is the database's DATABASE_URL: a SQLite file, or a PostgreSQL URL with its own schema.
  const ctx = opts.dialect ? await createDialectContext(opts.dialect) : await createTempContext();
  const sink = opts.startSink === false ? new SmtpSink(opts.sinkPort ?? 0) : await startSmtpSink({ port: opts.sinkPort });
  const settings = testSettings(opts.settings);
  const transport = new SmtpTransport({ url: sink.url, poolSize: settings.concurrency, ratePerSecond: 0, timeoutMs: opts.timeoutMs ?? 2000 });
  const audience = new ListAudience(list);
  const composer = new SimpleComposer();
  const logs: string[] = [];
  const runtime: DigestRuntime = { database: ctx.database, mail: transport, audience, composer, settings, log: (m) => logs.push(m) };
  return {
    ctx,
    sink,
    transport,
    audience,
    composer,
    runtime,
    logs,
    messages: async (edition) => {
      let q = digestDb(ctx.database.db)
        .selectFrom('digest_messages')
        .innerJoin('digest_editions', 'digest_editions.id', 'digest_messages.edition_id')
        .select(['digest_messages.id', 'subscriber_id', 'email', 'digest_messages.status', 'attempts', 'smtp_code', 'last_error', 'message_id'])
        .orderBy('digest_messages.id');
      if (edition) q = q.where('digest_editions.date', '=', edition.date).where('digest_editions.frequency', '=', edition.frequency);
      return q.execute();
    },
    dispose: async () => {
      await transport.close();
      await sink.stop();
      await ctx.dispose();
    },
  };
}
