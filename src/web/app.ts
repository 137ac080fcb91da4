/**
 * The HTTP application, built from its dependencies and not yet listening,
 * so tests drive it with `inject` and `main.ts` decides where it listens.
 * Each area registers its routes through one `register…Routes(app, web)` call.
 */
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { countPapers, listNewestPapers } from '../catalogue/paper-store.js';
import type { Config } from '../config/config.js';
import type { DatabaseHandle } from '../db/connection.js';
import type { MailTransport } from '../mail/mail-transport.js';
import type { SearchService } from '../search/search-service.js';
import type { TokenSigner } from '../security/signed-tokens.js';
import type { TrendingProvider } from '../trending/trending-provider.js';
import { registerApiErrorHandler } from './api/api-errors.js';
import { registerSearchRoutes } from './api/search-routes.js';
import { CsrfProtection } from './csrf.js';
import { renderHomePage } from './pages/home-page.js';

export interface AppDeps {
  config: Config;
  database: DatabaseHandle;
  search: SearchService;
  tokens: TokenSigner;
  mail: MailTransport;
  secretKey: string;
  trending?: TrendingProvider;
  logger?: boolean | { level: string };
}

/** What route modules receive: the dependencies plus request-level helpers built once. */
export interface WebContext extends AppDeps {
  csrf: CsrfProtection;
}

const HomeQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).default(1) });
const PAGE_SIZE = 25;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: deps.logger ?? false, trustProxy: deps.config.publicUrl.startsWith('https:') });
  const web: WebContext = { ...deps, csrf: new CsrfProtection(deps.secretKey, deps.config.publicUrl.startsWith('https:')) };
  const { db } = deps.database;
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody, { bodyLimit: 64 * 1024 });
  registerApiErrorHandler(app);
  registerSearchRoutes(app, web.search);

  app.get('/healthz', async (_request, reply) => {
    // A trivial query proves the database answers, not just the process.
    await countPapers(db);
    return reply.header('cache-control', 'no-store').send({ status: 'ok' });
  });

  app.get('/', async (request, reply) => {
    const parsed = HomeQuery.safeParse(request.query);
    if (!parsed.success) return reply.code(400).type('text/plain').send('Bad page number');
    const { page } = parsed.data;
    const [papers, total] = await Promise.all([listNewestPapers(db, PAGE_SIZE, (page - 1) * PAGE_SIZE), countPapers(db)]);
    return reply.type('text/html; charset=utf-8').send(renderHomePage({ papers, total, page, pageSize: PAGE_SIZE }));
  });

  return app;
}
