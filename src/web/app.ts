/**
 * The HTTP application, built from its dependencies and not yet listening,
 * so tests drive it with `inject` and `main.ts` decides where it listens.
 * Each area registers its routes through one `register…Routes(app, web)` call.
 */
import fastifyCookie from '@fastify/cookie';
import fastifyCors from '@fastify/cors';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import { countsInDatabase, sharedRateLimitStore } from './shared-rate-limit-store.js';
import Fastify, { type FastifyInstance } from 'fastify';
import { countPapers } from '../catalogue/paper-store.js';
import type { Config } from '../config/config.js';
import type { DatabaseHandle } from '../db/connection.js';
import type { MailTransport } from '../mail/mail-transport.js';
import type { SearchResponse, SearchResultItem, SearchService } from '../search/search-service.js';
import type { TokenSigner } from '../security/signed-tokens.js';
import type { TrendingProvider } from '../trending/trending-provider.js';
import { TrendingService } from '../trending/trending-service.js';
import { registerApiErrorHandler } from './api/api-errors.js';
import { registerOpenApiRoute } from './api/openapi.js';
import { registerPaperApiRoutes } from './api/paper-api-routes.js';
import { registerSearchRoutes } from './api/search-routes.js';
import { CsrfProtection } from './csrf.js';
import type { PaperFacts } from './models/paper-model.js';
import { TtlCache } from './models/ttl-cache.js';
import { registerAccountRoutes } from './routes/account-routes.js';
import { registerFeedRoutes } from './routes/feed-routes.js';
import { registerPageRoutes, sendErrorPage, sendNotFoundPage } from './routes/page-routes.js';
import { registerSecurityHeaders } from './security-headers.js';
import { registerStaticAssets } from './static-assets.js';
import { registerSubscriptionRoutes } from './subscriptions/subscription-routes.js';

/** Trending as the site uses it: rankings, and (when offered) votes that also refresh its cache. */
export type SiteTrending = TrendingProvider & {
  castVote?(userId: number, seq: number): Promise<boolean>;
  removeVote?(userId: number, seq: number): Promise<boolean>;
  invalidate?(): void | Promise<void>;
};

export interface RateLimits {
  /** Sign-in mails requested from one IP, and for one address, per window. */
  signInPerIp: number;
  signInPerAddress: number;
  signInWindowMs: number;
  /** Upvotes and saves per client per minute. */
  actionsPerMinute: number;
  /** JSON API requests per client per minute. */
  apiPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { signInPerIp: 10, signInPerAddress: 3, signInWindowMs: 15 * 60_000, actionsPerMinute: 60, apiPerMinute: 300 };

export interface AppDeps {
  config: Config;
  database: DatabaseHandle;
  search: SearchService;
  tokens: TokenSigner;
  mail: MailTransport;
  secretKey: string;
  /** The trending service; without one the site makes its own over the database. */
  trending?: SiteTrending;
  logger?: boolean | { level: string };
  rateLimits?: Partial<RateLimits>;
}

/** Short-lived caches of things every visitor sees alike. */
export interface WebCaches {
  /** Rendered trending list bodies for signed-out visitors, by window and page. */
  trendingHtml: TtlCache<string>;
  similar: TtlCache<SearchResultItem[]>;
  feeds: TtlCache<string>;
  /** A paper's metadata, stars and activity chart, by requested id. */
  paperFacts: TtlCache<PaperFacts>;
  search: TtlCache<SearchResponse>;
}

/** What route modules receive: the dependencies plus request-level helpers built once. */
export interface WebContext extends AppDeps {
  csrf: CsrfProtection;
  trending: SiteTrending;
  /** PUBLIC_URL is https: cookies are Secure, HSTS is sent. */
  https: boolean;
  limits: RateLimits;
  caches: WebCaches;
}

function createWebContext(deps: AppDeps): WebContext {
  const https = deps.config.publicUrl.startsWith('https:');
  return {
    ...deps,
    csrf: new CsrfProtection(deps.secretKey, https),
    trending: deps.trending ?? new TrendingService(deps.database.db),
    https,
    limits: { ...DEFAULT_RATE_LIMITS, ...deps.rateLimits },
    caches: {
      trendingHtml: new TtlCache(5_000, 200),
      similar: new TtlCache(10 * 60_000, 5_000),
      feeds: new TtlCache(60_000, 500),
      paperFacts: new TtlCache(30_000, 20_000),
      search: new TtlCache(60_000, 2_000),
    },
  };
}

/** Rate limits, CORS for API reads, and API limits on every /api route (whoever registers it). */
async function registerApiPolicies(app: FastifyInstance, web: WebContext): Promise<void> {
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/') && route.config?.rateLimit === undefined) {
      route.config = { ...route.config, rateLimit: { max: web.limits.apiPerMinute, timeWindow: 60_000 } };
    }
  });
  const store = countsInDatabase(web.database) ? sharedRateLimitStore(web.database.db) : undefined;
  await app.register(fastifyRateLimit, { global: false, ...(store ? { store } : {}) });
  await app.register(fastifyCors, {
    delegator: (request, callback) => {
      const api = (request.url ?? '').startsWith('/api/');
      callback(null, api ? { origin: '*', methods: ['GET', 'HEAD'], maxAge: 86_400 } : { origin: false });
    },
  });
  // API reads are for any origin; helmet's same-site resource policy would block them in browsers.
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/api/')) reply.header('cross-origin-resource-policy', 'cross-origin');
  });
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const web = createWebContext(deps);
  const app = Fastify({ logger: deps.logger ?? false, trustProxy: web.https });
  const { db } = deps.database;
  await registerSecurityHeaders(app, web.https);
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody, { bodyLimit: 64 * 1024 });
  await registerApiPolicies(app, web);
  registerApiErrorHandler(app, (request, reply, status, message) => sendErrorPage(web, request, reply, status, message));
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/')) return reply.code(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } });
    return sendNotFoundPage(web, request, reply);
  });
  registerStaticAssets(app);
  registerSearchRoutes(app, web.search);
  registerPaperApiRoutes(app, web);
  registerOpenApiRoute(app, web.config.publicUrl);
  registerFeedRoutes(app, web);
  registerPageRoutes(app, web);
  registerAccountRoutes(app, web);
  registerSubscriptionRoutes(app, web);

  app.get('/healthz', async (_request, reply) => {
    // A trivial query proves the database answers, not just the process.
    await countPapers(db);
    return reply.header('cache-control', 'no-store').send({ status: 'ok' });
  });

  return app;
}
