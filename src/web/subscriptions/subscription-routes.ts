/**
 * Everything a subscriber does on the web: subscribe (form and JSON API),
 * confirm, preferences, unsubscribe (including RFC 8058 one-click), and the
 * digest preview. `registerSubscriptionRoutes(app, web)` is the one call the
 * app makes.
 */
import type { FastifyInstance } from 'fastify';
import { SubscriberDigestComposer } from '../../digest/compose-digest.js';
import { MailDispatcher } from '../../subscribers/mail-dispatch.js';
import { RateLimiter, SharedRateLimiter, type RateLimitOptions } from '../../subscribers/rate-limiter.js';
import { countsInDatabase } from '../shared-rate-limit-store.js';
import { SubscriberAccount } from '../../subscribers/subscriber-account.js';
import { SubscriberLinks } from '../../subscribers/subscriber-links.js';
import { SubscriptionService } from '../../subscribers/subscription-service.js';
import type { WebContext } from '../app.js';
import { registerConfirmRoutes } from './confirm-routes.js';
import { registerPreferencesRoutes } from './preferences-routes.js';
import { registerPreviewRoutes } from './preview-routes.js';
import { registerSubscribeRoutes } from './subscribe-routes.js';
import { registerUnsubscribeRoutes } from './unsubscribe-routes.js';

export interface SubscriptionRouteOptions {
  /** Subscribe requests per client IP (form and API together): a burst of 10, then one a minute. */
  perIp?: RateLimitOptions;
  clock?: () => Date;
}

export interface SubscriptionRoutes {
  /** Confirmation mails leave after the response; tests and shutdown wait for them here. */
  mail: MailDispatcher;
  service: SubscriptionService;
}

const DEFAULT_PER_IP: RateLimitOptions = { capacity: 10, refillMs: 60_000 };

export function registerSubscriptionRoutes(app: FastifyInstance, web: WebContext, options: SubscriptionRouteOptions = {}): SubscriptionRoutes {
  const db = web.database.db;
  const mail = new MailDispatcher(web.mail, (m) => app.log.warn(m));
  app.addHook('onClose', () => mail.settled());
  const service = new SubscriptionService({ db, tokens: web.tokens, config: web.config, dispatcher: mail, clock: options.clock });
  const account = new SubscriberAccount({ db, tokens: web.tokens, clock: options.clock });
  const links = new SubscriberLinks(web.tokens, web.config);
  const composer = new SubscriberDigestComposer({ db, tokens: web.tokens, config: web.config, search: web.search, trending: web.trending, clock: options.clock });

  const perIp = options.perIp ?? DEFAULT_PER_IP;
  const limiter = countsInDatabase(web.database) ? new SharedRateLimiter(db, 'subscribe-ip', perIp) : new RateLimiter(perIp);
  registerSubscribeRoutes(app, web, { service, limiter });
  registerConfirmRoutes(app, web, service);
  registerPreferencesRoutes(app, web, { account, links });
  registerUnsubscribeRoutes(app, web, { account, links });
  registerPreviewRoutes(app, web, composer);
  return { mail, service };
}
