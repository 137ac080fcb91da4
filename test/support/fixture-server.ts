/**
 * A loopback HTTP server for tests that need real HTTP: harvesters, the HTTP
 * client, anything that fetches. It serves canned responses (often recorded
 * arXiv / OAI-PMH / Hugging Face documents from `test/fixtures/formats`) and
 * records every request so tests can assert on paths, queries, headers and
 * timing.
 *
 * ```ts
 * const server = await startFixtureServer([
 *   // First call: 503 asking for a 1 s pause; every later call: the recorded page.
 *   { path: '/api/query', query: { id_list: '1111.2011v2' }, respond: [
 *     { status: 503, headers: { 'Retry-After': '1' } },
 *     { file: 'formats/arxiv_api_atom/lukasschwab_id_list_1111.2011v2_2016.xml' },
 *   ] },
 *   { path: '/oai2', respond: (req) => ({ body: `<echo>${req.query.verb}</echo>` }) },
 * ]);
 * try {
 *   await harvest(`${server.url}/api/query?id_list=1111.2011v2`);
 *   expect(server.requests).toHaveLength(2);
 * } finally {
 *   await server.close();
 * }
 * ```
 *
 * Routes are tried in order; the first whose method, path and query match
 * answers. Unmatched requests get a 404 naming the request, which shows up in
 * the client's error and makes a missing route easy to spot.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { extname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Relative `file` paths are resolved against this directory (`test/fixtures`). */
export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

export interface CannedResponse {
  /** Defaults to 200. */
  status?: number;
  /** Sent as given; overrides the Content-Type / Content-Length derived from `body` or `file`. */
  headers?: OutgoingHttpHeaders;
  /** Response body. Ignored when `file` is set. */
  body?: string | Buffer;
  /** File to stream, relative to `test/fixtures` or absolute; Content-Length is set from its size. */
  file?: string;
  /** Wait this long before sending anything (status and headers included): simulates a slow server. */
  delayMs?: number;
  /** Send the status and headers at once, then wait this long before the body: a stalled transfer. */
  bodyDelayMs?: number;
  /** Drop the connection without answering, as a crashing server or reset would. */
  resetConnection?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/api/query`. */
  path: string;
  /** Decoded query parameters; a repeated key keeps its last value (see `search` for all). */
  query: Record<string, string>;
  search: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Request body as text (empty for GET). */
  body: string;
  /** Arrival time, `Date.now()` milliseconds: compare requests to measure rate limiting. */
  time: number;
}

/** Computes a response from the request; return `undefined` after answering `raw.res` yourself. */
export type RouteHandler = (
  request: RecordedRequest,
  raw: { req: IncomingMessage; res: ServerResponse },
) => CannedResponse | undefined | Promise<CannedResponse | undefined>;

/**
 * A single response (repeated for every request), a sequence (request n gets
 * entry n; the last entry repeats once the sequence is used up), or a handler.
 */
export type Responder = CannedResponse | readonly CannedResponse[] | RouteHandler;

/** Each listed parameter must be present and equal (string) or match (RegExp); others are ignored. */
export type QueryMatcher = Record<string, string | RegExp> | ((query: URLSearchParams) => boolean);

export interface Route {
  path: string;
  /** Any method when omitted. */
  method?: string;
  query?: QueryMatcher;
  respond: Responder;
}

/** Either a list of routes or, for the simple cases, a map from path to responder. */
export type Routes = readonly Route[] | Record<string, Responder>;

export interface FixtureServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Every request received so far, in arrival order (unmatched ones included). */
  requests: RecordedRequest[];
  /** Stops the server, cutting open keep-alive connections and pending delayed responses. */
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.xml': 'application/xml; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'application/x-ndjson; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.gz': 'application/gzip',
};

function normaliseRoutes(routes: Routes): Route[] {
  if (Array.isArray(routes)) return [...(routes as readonly Route[])];
  return Object.entries(routes as Record<string, Responder>).map(([path, respond]) => ({ path, respond }));
}

function queryMatches(matcher: QueryMatcher | undefined, search: URLSearchParams): boolean {
  if (matcher === undefined) return true;
  if (typeof matcher === 'function') return matcher(search);
  return Object.entries(matcher).every(([key, expected]) => {
    const actual = search.get(key);
    if (actual === null) return false;
    return typeof expected === 'string' ? actual === expected : expected.test(actual);
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startFixtureServer(routes: Routes): Promise<FixtureServer> {
  const table = normaliseRoutes(routes);
  const served = new Map<Route, number>(); // how many requests each route has answered, for sequences
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  // Delays are tracked so that close() does not have to wait for them.
  const pause = (ms: number) =>
    new Promise<void>((done) => {
      const timer = setTimeout(() => (timers.delete(timer), done()), ms);
      timers.add(timer);
    });

  async function pickResponse(route: Route, recorded: RecordedRequest, req: IncomingMessage, res: ServerResponse) {
    const n = served.get(route) ?? 0;
    served.set(route, n + 1);
    const { respond } = route;
    if (typeof respond === 'function') return respond(recorded, { req, res });
    if (Array.isArray(respond)) return respond[Math.min(n, respond.length - 1)] as CannedResponse;
    return respond as CannedResponse;
  }

  // True once the client has hung up (e.g. its timeout fired while we were pausing).
  const gone = (res: ServerResponse) => res.destroyed || !res.socket || res.socket.destroyed;

  async function send(canned: CannedResponse, res: ServerResponse): Promise<void> {
    if (canned.delayMs) await pause(canned.delayMs);
    if (gone(res)) return;
    if (canned.resetConnection) return void res.socket?.destroy();
    const headers: OutgoingHttpHeaders = {};
    let file: string | undefined;
    if (canned.file !== undefined) {
      file = isAbsolute(canned.file) ? canned.file : resolve(FIXTURES_DIR, canned.file);
      headers['Content-Length'] = (await stat(file)).size;
      headers['Content-Type'] = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    } else if (canned.body !== undefined) {
      headers['Content-Length'] = Buffer.byteLength(canned.body);
      headers['Content-Type'] = 'text/plain; charset=utf-8';
    }
    res.writeHead(canned.status ?? 200, { ...headers, ...canned.headers });
    if (canned.bodyDelayMs) {
      res.flushHeaders();
      await pause(canned.bodyDelayMs);
      if (gone(res)) return;
    }
    if (file !== undefined) return void createReadStream(file).pipe(res);
    res.end(canned.body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const time = Date.now();
    const target = new URL(req.url ?? '/', 'http://fixture.invalid');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: target.pathname,
      query: Object.fromEntries(target.searchParams),
      search: target.searchParams,
      headers: req.headers,
      body: await readBody(req),
      time,
    };
    requests.push(recorded);
    const route = table.find(
      (r) => r.path === recorded.path && (!r.method || r.method.toUpperCase() === recorded.method) && queryMatches(r.query, target.searchParams),
    );
    if (!route) {
      return send({ status: 404, body: `no fixture route for ${recorded.method} ${req.url}\n` }, res);
    }
    const canned = await pickResponse(route, recorded, req, res);
    if (canned !== undefined) await send(canned, res);
  }

  const server = createServer((req, res) => {
    res.on('error', () => {}); // writes to a socket the client already closed are expected in timeout tests
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`fixture server error: ${err instanceof Error ? err.message : String(err)}\n`);
    });
  });
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ready());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((done, fail) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((err) => (err ? fail(err) : done()));
        server.closeAllConnections();
      }),
  };
}

/**
 * A loopback URL on which nothing listens, for "connection refused" tests:
 * the port was free a moment ago, so the chance of another process taking it
 * before the test connects is negligible.
 */
export async function closedPortUrl(): Promise<string> {
  const probe = createNetServer();
  await new Promise<void>((ready) => probe.listen(0, '127.0.0.1', () => ready()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((done) => probe.close(() => done()));
  return `http://127.0.0.1:${port}`;
}
