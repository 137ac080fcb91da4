// Real HTTP against the loopback fixture server: the client's value lies in how
// it behaves on the wire (headers, spacing, retries), which mocks would hide.
import { readFile, stat } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { closedPortUrl, FIXTURES_DIR, startFixtureServer, type FixtureServer, type Routes } from '../../../test/support/fixture-server.js';
import { createHttpClient, defaultMinIntervalFor, FetchError, type HttpClientOptions } from './http-client.js';

const UA = 'Paperboy/0.1 (+https://github.com/paperboy; mailto:operator@example)';
const ATOM = 'formats/arxiv_api_atom/lukasschwab_id_list_1111.2011v2_2016.xml';
const ATOM_ERROR = 'formats/arxiv_api_atom/lukasschwab_error_incorrect_id_format_abc_2026.xml';
const JSONL = 'formats/kaggle_arxiv_snapshot/wanng-ide_snapshot_lines1-5.jsonl';

let server: FixtureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(routes: Routes): Promise<FixtureServer> {
  server = await startFixtureServer(routes);
  return server;
}

/** Short delays everywhere so the whole file stays fast; `logs` collects the client's messages. */
function client(overrides: Partial<HttpClientOptions> = {}) {
  const logs: string[] = [];
  const http = createHttpClient({
    userAgent: UA,
    timeoutMs: 2000,
    maxRetries: 3,
    minIntervalMsByHost: {},
    retryBaseDelayMs: 20,
    maxRetryDelayMs: 2000,
    log: (msg) => logs.push(msg),
    ...overrides,
  });
  return { http, logs };
}

async function failure(promise: Promise<unknown>): Promise<FetchError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FetchError);
  return err as FetchError;
}

const gaps = (s: FixtureServer) => s.requests.slice(1).map((r, i) => r.time - s.requests[i]!.time);

describe('createHttpClient', () => {
  it('sends the User-Agent and returns the body with status and content type', async () => {
    const s = await serve({ '/api/query': { file: ATOM } });
    const doc = await client().http.fetchText(`${s.url}/api/query?id_list=1111.2011v2`, { headers: { Accept: 'application/atom+xml' } });
    expect(s.requests[0]?.headers['user-agent']).toBe(UA);
    expect(s.requests[0]?.headers.accept).toBe('application/atom+xml');
    expect(s.requests[0]?.query).toEqual({ id_list: '1111.2011v2' });
    expect(doc.status).toBe(200);
    expect(doc.contentType).toMatch(/xml/);
    expect(doc.url).toBe(`${s.url}/api/query?id_list=1111.2011v2`);
    expect(doc.body).toBe(await readFile(`${FIXTURES_DIR}${ATOM}`, 'utf8'));
  });

  it('spaces request starts to one host by the minimum interval, even for concurrent callers', async () => {
    const s = await serve({ '/a': { body: 'ok' } });
    const { http } = client({ minIntervalMsByHost: { '127.0.0.1': 200 } });
    await Promise.all([1, 2, 3].map((n) => http.fetchText(`${s.url}/a?n=${n}`)));
    expect(s.requests).toHaveLength(3);
    // Arrival times are measured at the server: the first request also pays for
    // opening the connection, so allow some jitter below the client-side 200 ms.
    for (const gap of gaps(s)) expect(gap).toBeGreaterThanOrEqual(175);
  });

  it('waits as long as Retry-After asks after a 503, then succeeds', async () => {
    const s = await serve({ '/busy': [{ status: 503, headers: { 'Retry-After': '1' } }, { file: ATOM }] });
    const { http, logs } = client();
    const doc = await http.fetchText(`${s.url}/busy`);
    expect(doc.status).toBe(200);
    expect(s.requests).toHaveLength(2);
    expect(gaps(s)[0]).toBeGreaterThanOrEqual(950);
    expect(logs.join('\n')).toMatch(/HTTP 503 Service Unavailable; retry 1\/3 in 1000 ms/);
  });

  it('caps a Retry-After (here an HTTP-date) at maxRetryDelayMs and says so', async () => {
    const later = new Date(Date.now() + 3_600_000).toUTCString();
    const s = await serve({ '/busy': [{ status: 503, headers: { 'Retry-After': later } }, { body: 'ok' }] });
    const { http, logs } = client({ maxRetryDelayMs: 150 });
    expect((await http.fetchText(`${s.url}/busy`)).body).toBe('ok');
    expect(gaps(s)[0]).toBeLessThan(1000);
    expect(logs.join('\n')).toMatch(/Retry-After of \d+ ms exceeds the 150 ms cap; waiting 150 ms/);
  });

  it('retries a 429 and a dropped connection', async () => {
    const s = await serve({
      '/limited': [{ status: 429 }, { body: 'limited ok' }],
      '/flaky': [{ resetConnection: true }, { body: 'flaky ok' }],
    });
    const { http } = client();
    expect((await http.fetchText(`${s.url}/limited`)).body).toBe('limited ok');
    expect((await http.fetchText(`${s.url}/flaky`)).body).toBe('flaky ok');
    expect(s.requests.map((r) => r.path)).toEqual(['/limited', '/limited', '/flaky', '/flaky']);
  });

  it('gives up after maxRetries with a FetchError that counts the attempts', async () => {
    const s = await serve({ '/down': { status: 502 } });
    const err = await failure(client({ maxRetries: 2 }).http.fetchText(`${s.url}/down`));
    expect(err.message).toBe(`GET ${s.url}/down failed: HTTP 502 Bad Gateway (after 3 attempts)`);
    expect(err).toMatchObject({ url: `${s.url}/down`, status: 502, attempts: 3, retryable: true });
    expect(s.requests).toHaveLength(3);
  });

  it('reports a refused connection after retrying it', async () => {
    const url = `${await closedPortUrl()}/nothing`;
    const err = await failure(client({ maxRetries: 3 }).http.fetchText(url));
    expect(err.message).toBe(`GET ${url} failed: connection refused (after 4 attempts)`);
    expect(err).toMatchObject({ attempts: 4, retryable: true, status: undefined });
  });

  it('times out a server that is slow to answer, and one that stalls mid-body', async () => {
    const s = await serve({ '/slow': { delayMs: 1500, body: 'late' }, '/stall': { bodyDelayMs: 1500, body: 'late' } });
    const { http } = client({ timeoutMs: 150, maxRetries: 1 });
    const slow = await failure(http.fetchText(`${s.url}/slow`));
    expect(slow.message).toBe(`GET ${s.url}/slow failed: timed out after 150 ms (after 2 attempts)`);
    const stall = await failure(http.fetchText(`${s.url}/stall`));
    expect(stall.message).toMatch(/\/stall failed: timed out after 150 ms/);
    expect(stall.retryable).toBe(true);
  });

  it('fails at once on a 404 without retrying', async () => {
    const s = await serve({});
    const err = await failure(client().http.fetchText(`${s.url}/missing`));
    expect(err.message).toBe(`GET ${s.url}/missing failed: HTTP 404 Not Found`);
    expect(err).toMatchObject({ status: 404, attempts: 1, retryable: false });
    expect(s.requests).toHaveLength(1);
  });

  it('returns a 400 body (arXiv API error feed) only when the caller accepts 400', async () => {
    const s = await serve({ '/api/query': { status: 400, file: ATOM_ERROR, headers: { 'Content-Type': 'application/atom+xml' } } });
    const url = `${s.url}/api/query?id_list=abc`;
    const { http } = client();
    const doc = await http.fetchText(url, { acceptStatuses: [400] });
    expect(doc.status).toBe(400);
    expect(doc.contentType).toBe('application/atom+xml');
    expect(doc.body).toContain('incorrect_id_format_for_abc');
    const err = await failure(http.fetchText(url));
    expect(err).toMatchObject({ status: 400, attempts: 1, retryable: false });
    expect(s.requests).toHaveLength(2);
  });

  it('rejects URLs that are not http or https', async () => {
    const { http } = client();
    const ftp = await failure(http.fetchText('ftp://arxiv.org/pub/file.txt'));
    expect(ftp.message).toBe('GET ftp://arxiv.org/pub/file.txt failed: unsupported protocol "ftp:" (only http and https)');
    expect(ftp).toMatchObject({ attempts: 0, retryable: false });
    await failure(http.fetchStream('file:///etc/passwd'));
    expect((await failure(http.fetchText('not a url'))).message).toBe('GET not a url failed: invalid URL');
  });

  it('streams a large download with its Content-Length and frees the host when done', async () => {
    const s = await serve({ '/snapshot.jsonl': { file: JSONL }, '/after': { body: 'next' } });
    const { http } = client({ minIntervalMsByHost: { '127.0.0.1': 50 } });
    const download = await http.fetchStream(`${s.url}/snapshot.jsonl`);
    const { size } = await stat(`${FIXTURES_DIR}${JSONL}`);
    expect(download).toMatchObject({ status: 200, contentLength: size });
    expect(download.contentType).toMatch(/ndjson/);
    const chunks: Buffer[] = [];
    for await (const chunk of download.body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(await readFile(`${FIXTURES_DIR}${JSONL}`, 'utf8'));
    // The host was held for the stream; once it ended the next request goes through.
    expect((await http.fetchText(`${s.url}/after`)).body).toBe('next');
  });

  it('frees the host when the consumer destroys a stream early', async () => {
    const s = await serve({ '/big': { bodyDelayMs: 5000, body: 'never read' }, '/after': { body: 'next' } });
    const { http } = client();
    const download = await http.fetchStream(`${s.url}/big`);
    download.body.destroy();
    expect((await http.fetchText(`${s.url}/after`)).body).toBe('next');
  });

  it('fails a stream whose body stalls longer than the timeout', async () => {
    const s = await serve({ '/stall': { bodyDelayMs: 1500, body: 'late' } });
    const download = await client({ timeoutMs: 150 }).http.fetchStream(`${s.url}/stall`);
    const err = await failure((async () => { for await (const _ of download.body) void _; })());
    expect(err.message).toMatch(/timed out after 150 ms waiting for data/);
  });
});

describe('defaultMinIntervalFor', () => {
  it.each([
    ['export.arxiv.org', 3000],
    ['arxiv.org', 3000],
    ['rss.arxiv.org', 3000],
    ['huggingface.co', 1000],
    ['notarxiv.org', 0],
    ['127.0.0.1', 0],
  ])('%s → %i ms', (host, ms) => {
    expect(defaultMinIntervalFor(host)).toBe(ms);
  });
});
