/**
 * The polite HTTP client that every harvester (arXiv API and OAI-PMH, arXiv
 * RSS, Hugging Face) goes through, so that rate limits, retries, timeouts and
 * error wording are decided in one place.
 *
 * - Politeness: requests to one host run one at a time (arXiv asks for a
 *   single connection) and their starts are at least `minIntervalMs` apart.
 * - Retries: network failures and 429/500/502/503/504 are retried with
 *   exponential backoff and jitter, or after the server's `Retry-After`.
 * - Errors: everything surfaces as `FetchError`, whose message names the URL.
 */
import { STATUS_CODES } from 'node:http';
import { Readable } from 'node:stream';

export interface HttpClientOptions {
  userAgent: string;
  /** Whole-request budget (connect + headers + body) for `fetchText`; see `fetchStream`. */
  timeoutMs: number;
  /** Retries after the first attempt; `attempts` is at most `maxRetries + 1`. */
  maxRetries: number;
  /** Per-hostname minimum gap between request starts; a record also covers subdomains of its keys. */
  minIntervalMsByHost: Record<string, number> | ((host: string) => number);
  retryBaseDelayMs: number;
  /** Caps both the backoff and a server's `Retry-After`. */
  maxRetryDelayMs: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  log?: (msg: string) => void;
}

export interface RequestOptions {
  /** Statuses (e.g. 400 for arXiv API error feeds) returned to the caller instead of thrown. */
  acceptStatuses?: readonly number[];
  headers?: Record<string, string>;
}

export interface FetchedDocument {
  /** Final URL, after redirects. */
  url: string;
  status: number;
  /** Empty when the server sent none. */
  contentType: string;
  /** Response headers, e.g. for rate-limit figures (GitHub's x-ratelimit-*). */
  headers: Headers;
  body: string;
}

export interface FetchedStream extends Omit<FetchedDocument, 'body'> {
  /** Size of the body as delivered; absent when unknown or when the transfer is compressed. */
  contentLength?: number;
  body: Readable;
}

export interface HttpClient {
  fetchText(url: string, options?: RequestOptions): Promise<FetchedDocument>;
  /**
   * For large downloads. The timeout covers the wait for headers, then each
   * wait for the next chunk (so a slow consumer never trips it). The host stays
   * reserved until the stream ends or is destroyed: consume or destroy it.
   */
  fetchStream(url: string, options?: RequestOptions): Promise<FetchedStream>;
}

export class FetchError extends Error {
  readonly url: string;
  readonly status?: number;
  readonly attempts: number;
  readonly retryable: boolean;
  /** Short cause without the URL, e.g. "connection refused" or "HTTP 404 Not Found". */
  readonly reason: string;

  constructor(init: { url: string; reason: string; attempts: number; retryable: boolean; status?: number; cause?: unknown }) {
    const tries = init.attempts > 1 ? ` (after ${init.attempts} attempts)` : '';
    super(`GET ${init.url} failed: ${init.reason}${tries}`, { cause: init.cause });
    this.name = 'FetchError';
    this.url = init.url;
    this.reason = init.reason;
    this.attempts = init.attempts;
    this.retryable = init.retryable;
    if (init.status !== undefined) this.status = init.status;
  }
}

/** arXiv's API terms ask for one request every 3 s; Hugging Face rate-limits its API with 429s. */
export const DEFAULT_HOST_INTERVALS: Readonly<Record<string, number>> = Object.freeze({
  'arxiv.org': 3000,
  'huggingface.co': 1000,
});

/** Looks a hostname up in `table`, falling back to its parent domains (export.arxiv.org → arxiv.org). */
function intervalFromTable(table: Readonly<Record<string, number>>, host: string): number {
  const labels = host.toLowerCase().split('.');
  for (let i = 0; i < labels.length; i++) {
    const value = table[labels.slice(i).join('.')];
    if (value !== undefined) return value;
  }
  return 0;
}

export function defaultMinIntervalFor(host: string): number {
  return intervalFromTable(DEFAULT_HOST_INTERVALS, host);
}

const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);
// Transient transport failures worth another try; DNS "not found", TLS and
// fetch's blocked ports are not, as repeating them cannot help.
const RETRYABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN',
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
]);
const CODE_WORDING: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  UND_ERR_SOCKET: 'connection closed by the server',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
};

interface Failure {
  reason: string;
  retryable: boolean;
  status?: number;
  retryAfterMs?: number;
  cause?: unknown;
}

/** Timeouts abort with this marker, which tells them apart from other aborts and network errors. */
const TIMED_OUT = Symbol('timed out');

function transportFailure(err: unknown, signal: AbortSignal, timeoutText: string): Failure {
  if (signal.reason === TIMED_OUT) return { reason: `timed out after ${timeoutText}`, retryable: true, cause: err };
  return describeNetworkError(err);
}

/**
 * One gate per hostname: a promise chain that lets one request through at a
 * time, no sooner than `interval` after the previous start or a back-off point.
 */
class HostGate {
  private tail: Promise<void> = Promise.resolve();
  private lastStart = Number.NEGATIVE_INFINITY;
  private notBefore = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly interval: number,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  /** Resolves with a release function once this caller may start its request. */
  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const turn = this.tail.then(async () => {
      const wait = Math.max(this.lastStart + this.interval, this.notBefore) - this.now();
      if (wait > 0) await this.sleep(wait);
      this.lastStart = this.now();
      return release; // resolving twice is harmless, so double releases are too
    });
    this.tail = turn.then(() => held);
    return turn;
  }

  /** A retry delay applies to the whole host: the server told us it is overloaded. */
  backOffUntil(time: number): void {
    this.notBefore = Math.max(this.notBefore, time);
  }
}

/** Seconds or HTTP-date, as RFC 9110 allows; undefined when absent or unreadable. */
function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function describeNetworkError(err: unknown): Failure {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const first = cause instanceof AggregateError ? cause.errors[0] : undefined; // localhost tries ::1 and 127.0.0.1
  const code = (cause as { code?: unknown })?.code ?? (first as { code?: unknown } | undefined)?.code;
  const text = typeof code === 'string' ? code : undefined;
  const message = cause instanceof Error ? cause.message : String(cause);
  const reason = (text && CODE_WORDING[text]) ?? (text ? `${message} (${text})` : message);
  return { reason, retryable: text !== undefined && RETRYABLE_CODES.has(text), cause: err };
}

export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const log = opts.log ?? (() => {});
  const table = opts.minIntervalMsByHost;
  const intervalFor = typeof table === 'function' ? table : (host: string) => intervalFromTable(table, host);
  const gates = new Map<string, HostGate>();

  function gateFor(host: string): HostGate {
    let gate = gates.get(host);
    if (!gate) gates.set(host, (gate = new HostGate(intervalFor(host), now, sleep)));
    return gate;
  }

  function checkUrl(url: string): URL {
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    if (!parsed) throw new FetchError({ url, reason: 'invalid URL', attempts: 0, retryable: false });
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new FetchError({ url, reason: `unsupported protocol "${parsed.protocol}" (only http and https)`, attempts: 0, retryable: false });
    }
    return parsed;
  }

  /** Exponential backoff with "equal jitter": at least half the step, so parallel harvesters spread out. */
  function retryDelay(failure: Failure, attempt: number, url: string): number {
    if (failure.retryAfterMs !== undefined) {
      if (failure.retryAfterMs <= opts.maxRetryDelayMs) return failure.retryAfterMs;
      log(`GET ${url}: Retry-After of ${failure.retryAfterMs} ms exceeds the ${opts.maxRetryDelayMs} ms cap; waiting ${opts.maxRetryDelayMs} ms`);
      return opts.maxRetryDelayMs;
    }
    const ceiling = Math.min(opts.maxRetryDelayMs, opts.retryBaseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  /** `hold()` takes over the host reservation, for bodies read after `request` returns. */
  type Attempt = { res: Response; controller: AbortController; attempt: number; hold: () => () => void };

  /**
   * Runs attempts until one gets an acceptable response, which `consume`
   * turns into the result while the host is still reserved and the timer runs.
   */
  async function request<T>(url: string, options: RequestOptions, consume: (a: Attempt) => Promise<T>): Promise<T> {
    const gate = gateFor(checkUrl(url).hostname);
    const accepted = new Set(options.acceptStatuses ?? []);
    const headers = { 'User-Agent': opts.userAgent, ...options.headers };
    for (let attempt = 1; ; attempt++) {
      let release = await gate.acquire();
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(TIMED_OUT), opts.timeoutMs);
      let failure: Failure;
      try {
        const res = await fetch(url, { headers, signal: controller.signal, redirect: 'follow' });
        if (res.ok || accepted.has(res.status)) {
          const hold = () => { const held = release; release = () => {}; return held; };
          return await consume({ res, controller, attempt, hold });
        }
        await res.body?.cancel().catch(() => {}); // frees the connection for the next request
        const reason = `HTTP ${res.status} ${res.statusText || STATUS_CODES[res.status] || ''}`.trimEnd();
        const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), now());
        failure = { reason, status: res.status, retryable: RETRYABLE_STATUSES.has(res.status), retryAfterMs };
      } catch (err) {
        failure = transportFailure(err, controller.signal, `${opts.timeoutMs} ms`);
      } finally {
        clearTimeout(timer);
        release();
      }
      if (!failure.retryable || attempt > opts.maxRetries) throw new FetchError({ url, attempts: attempt, ...failure });
      const delay = retryDelay(failure, attempt, url);
      log(`GET ${url}: ${failure.reason}; retry ${attempt}/${opts.maxRetries} in ${delay} ms`);
      gate.backOffUntil(now() + delay);
    }
  }

  function describe(res: Response, url: string) {
    return { url: res.url || url, status: res.status, contentType: res.headers.get('content-type') ?? '', headers: res.headers };
  }

  return {
    fetchText(url, options = {}) {
      return request(url, options, async ({ res }) => ({ ...describe(res, url), body: await res.text() }));
    },
    fetchStream(url, options = {}) {
      return request(url, options, async ({ res, controller, attempt, hold }) => {
        const body = streamWithIdleTimeout({ url, res, controller, attempt, timeoutMs: opts.timeoutMs });
        body.once('close', hold());
        const encoding = res.headers.get('content-encoding');
        const length = Number(res.headers.get('content-length') ?? Number.NaN);
        // A compressed transfer's Content-Length counts compressed bytes, not what the stream yields.
        const plain = encoding === null || encoding === 'identity';
        const result: FetchedStream = { ...describe(res, url), body };
        if (plain && Number.isFinite(length)) result.contentLength = length;
        return result;
      });
    },
  };
}

/**
 * Bridges the web body to a Node stream. Each pull from the network gets its
 * own timer, so only time spent waiting on the server counts, not backpressure.
 */
function streamWithIdleTimeout(a: { url: string; res: Response; controller: AbortController; attempt: number; timeoutMs: number }): Readable {
  const { url, res, controller, attempt, timeoutMs } = a;
  const reader = res.body?.getReader();
  return new Readable({
    async read() {
      if (!reader) return void this.push(null);
      const timer = setTimeout(() => controller.abort(TIMED_OUT), timeoutMs);
      try {
        const { done, value } = await reader.read();
        this.push(done ? null : value);
      } catch (err) {
        const failure = transportFailure(err, controller.signal, `${timeoutMs} ms waiting for data`);
        this.destroy(new FetchError({ url, attempts: attempt, ...failure }));
      } finally {
        clearTimeout(timer);
      }
    },
    destroy(err, callback) {
      // Cancelling the reader closes the socket when the consumer gives up early.
      reader?.cancel(err ?? undefined).catch(() => {});
      callback(err);
    },
  });
}
