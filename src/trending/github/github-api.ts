/**
 * The two GitHub REST calls trending needs, over the project's polite HTTP
 * client: `GET /repos/{owner}/{repo}` (stargazers_count) and `GET /rate_limit`
 * (free: it does not count against the limit). Rate-limit and error answers
 * come back as values, so the poller decides whether to go on.
 */
import { z } from 'zod';
import type { FetchedDocument, HttpClient } from '../../ingest/fetch/http-client.js';

export interface RateLimit {
  limit: number;
  remaining: number;
  resetAt: Date;
}

export type RepoAnswer =
  | { kind: 'ok'; stars: number; fullName: string; rateLimit: RateLimit | null }
  /** 404/410/451: deleted, made private, or blocked; 403 without a rate-limit message: not ours to read. */
  | { kind: 'gone'; status: number; rateLimit: RateLimit | null }
  | { kind: 'rate-limited'; message: string; rateLimit: RateLimit | null };

const Repo = z.object({ full_name: z.string(), stargazers_count: z.number().int().min(0) });
const RateLimitBody = z.object({
  resources: z.object({ core: z.object({ limit: z.number(), remaining: z.number(), reset: z.number() }) }),
});
const ErrorBody = z.object({ message: z.string() }).partial();

// Statuses answered by us rather than retried by the client: retrying a rate
// limit before its reset only spends the next hour's budget.
const HANDLED = [401, 403, 404, 410, 429, 451] as const;

export class GithubAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GithubAuthError';
  }
}

/** `x-ratelimit-*` headers, when the HTTP client passes response headers through (it may not). */
export function rateLimitFromHeaders(doc: FetchedDocument): RateLimit | null {
  const { headers } = doc;
  const remaining = headers?.get('x-ratelimit-remaining');
  const reset = headers?.get('x-ratelimit-reset');
  if (!headers || remaining == null || reset == null) return null;
  const limit = Number(headers.get('x-ratelimit-limit') ?? Number.NaN);
  if (!Number.isFinite(Number(remaining)) || !Number.isFinite(Number(reset))) return null;
  return { limit: Number.isFinite(limit) ? limit : Number.NaN, remaining: Number(remaining), resetAt: new Date(Number(reset) * 1000) };
}

/** A 200 that is not the JSON we expect (a captive portal, a proxy's page) stops the run with the URL named. */
function parseBody<T>(doc: FetchedDocument, schema: z.ZodType<T>): T {
  try {
    return schema.parse(JSON.parse(doc.body));
  } catch {
    throw new Error(`GET ${doc.url}: the answer is not the GitHub API JSON expected (${doc.contentType || 'no content type'})`);
  }
}

function errorMessage(body: string): string {
  try {
    return ErrorBody.parse(JSON.parse(body)).message ?? '';
  } catch {
    return body.slice(0, 200);
  }
}

export class GithubApi {
  constructor(
    private readonly http: HttpClient,
    private readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  private headers(): Record<string, string> {
    const headers: Record<string, string> = { Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    return headers;
  }

  private url(path: string): string {
    return `${this.baseUrl.replace(/\/+$/, '')}${path}`;
  }

  private async get(path: string): Promise<FetchedDocument> {
    const doc = await this.http.fetchText(this.url(path), { headers: this.headers(), acceptStatuses: HANDLED });
    if (doc.status === 401) throw new GithubAuthError(`GitHub rejected GITHUB_TOKEN (401 ${errorMessage(doc.body) || 'Unauthorized'})`);
    return doc;
  }

  /** The core limit, or null when the server has no rate limiting (GitHub Enterprise may answer 404). */
  async rateLimit(): Promise<RateLimit | null> {
    const doc = await this.get('/rate_limit');
    if (doc.status !== 200) return rateLimitFromHeaders(doc);
    const { core } = parseBody(doc, RateLimitBody).resources;
    return { limit: core.limit, remaining: core.remaining, resetAt: new Date(core.reset * 1000) };
  }

  /** Stars of `owner/name`. */
  async repoStars(repo: string): Promise<RepoAnswer> {
    const doc = await this.get(`/repos/${repo.split('/').map(encodeURIComponent).join('/')}`);
    const rateLimit = rateLimitFromHeaders(doc);
    if (doc.status === 200) {
      const body = parseBody(doc, Repo);
      return { kind: 'ok', stars: body.stargazers_count, fullName: body.full_name, rateLimit };
    }
    const message = errorMessage(doc.body);
    // Primary limits answer 403 or 429 with "API rate limit exceeded"; secondary ones mention "secondary rate limit".
    if (doc.status === 429 || /rate limit/i.test(message) || rateLimit?.remaining === 0) {
      return { kind: 'rate-limited', message: message || `HTTP ${doc.status}`, rateLimit };
    }
    return { kind: 'gone', status: doc.status, rateLimit };
  }
}
