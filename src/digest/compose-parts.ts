/**
 * The subscriptions side of digests, as delivery asks for it (DigestParts):
 * the audience and the composer over one context. Search and trending are
 * taken from the caller when it has them (the server) and opened otherwise
 * (the CLI).
 */
import type { AppContext } from '../context.js';
import { openSearch } from '../search/open-search.js';
import type { TrendingProvider } from '../trending/trending-provider.js';
import { TrendingService } from '../trending/trending-service.js';
import { SubscriberAudience } from './audience.js';
import { SubscriberDigestComposer, type ComposerDeps } from './compose-digest.js';
import type { DigestParts } from './delivery-types.js';

export interface DigestPartsOptions {
  search?: ComposerDeps['search'];
  trending?: TrendingProvider;
}

export interface SubscriptionDigestParts extends DigestParts {
  composer: SubscriberDigestComposer;
}

export async function createDigestParts(ctx: Pick<AppContext, 'config' | 'database' | 'tokens'>, options: DigestPartsOptions = {}): Promise<SubscriptionDigestParts> {
  const db = ctx.database.db;
  const search = options.search ?? (await openSearch(ctx.database));
  const trending = options.trending ?? new TrendingService(db);
  return {
    audience: new SubscriberAudience(db),
    composer: new SubscriberDigestComposer({ db, tokens: ctx.tokens, config: ctx.config, search, trending }),
  };
}
