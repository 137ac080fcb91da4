/**
 * The subscriptions side of digests, as delivery asks for it (DigestParts):
 * the audience and the composer over one context. Search and trending are
 * taken from the caller when it has them (the server) and opened otherwise
 * (the CLI) — search only when a mail is first composed: opening it loads the
 * semantic index (seconds and a gigabyte at a million papers), which a
 * delivery-only `digest worker` never needs.
 */
import type { AppContext } from '../context.js';
import { openSearch } from '../search/open-search.js';
import type { SearchRequest, SearchResponse } from '../search/search-service.js';
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
  const search = options.search ?? searchOnFirstUse(() => openSearch(ctx.database));
  const trending = options.trending ?? new TrendingService(db);
  return {
    audience: new SubscriberAudience(db),
    composer: new SubscriberDigestComposer({ db, tokens: ctx.tokens, config: ctx.config, search, trending }),
  };
}

/** A search opened by the first query (once, shared by concurrent first queries); a failed opening is retried by the next. */
function searchOnFirstUse(open: () => Promise<{ search(request: SearchRequest): Promise<SearchResponse> }>): NonNullable<ComposerDeps['search']> {
  let opening: ReturnType<typeof open> | undefined;
  return {
    search: async (request) => {
      opening ??= open().catch((error: unknown) => {
        opening = undefined;
        throw error;
      });
      return (await opening).search(request);
    },
  };
}
