/**
 * A real Paperboy server for browser tests: a temporary database holding the
 * demo corpus, the app listening on a free loopback port, mail written as
 * .eml files into the temporary directory's outbox.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { simpleParser } from 'mailparser';
import { DEMO_CORPUS_PATH } from '../../src/config/paths.js';
import { ingestSource } from '../../src/ingest/run-ingest.js';
import { openSearch } from '../../src/search/open-search.js';
import { buildApp } from '../../src/web/app.js';
import { createTempContext, type TempContext } from '../support/temp-context.js';

export interface E2eServer {
  url: string;
  ctx: TempContext;
  app: FastifyInstance;
  /** Parsed mails in the outbox, oldest first. */
  mails(): Promise<Array<{ to: string; subject: string; text: string }>>;
  stop(): Promise<void>;
}

export async function startE2eServer(): Promise<E2eServer> {
  const ctx = await createTempContext();
  await ingestSource(ctx.database, DEMO_CORPUS_PATH, { format: 'seed', http: ctx.http, log: () => {} });
  const app = await buildApp({ ...ctx, search: await openSearch(ctx.database) });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const outbox = join(ctx.dir, 'outbox');
  return {
    url: address,
    ctx,
    app,
    mails: async () => {
      let files: string[] = [];
      try {
        files = readdirSync(outbox).filter((f) => f.endsWith('.eml')).sort();
      } catch {
        return [];
      }
      return Promise.all(
        files.map(async (f) => {
          const mail = await simpleParser(readFileSync(join(outbox, f)));
          const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? '');
          return { to, subject: mail.subject ?? '', text: mail.text ?? '' };
        }),
      );
    },
    stop: async () => {
      await app.close();
      await ctx.dispose();
    },
  };
}
