/**
 * The public pages through app.inject: trending, paper, search, 404, the
 * security headers, and escaping of hostile paper text everywhere.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createSite, type SiteFixture } from '../../test/e2e/web-helpers.js';
import { DIALECTS } from '../../test/dialects.js';
import { addAlias, findPaperById } from '../catalogue/paper-store.js';
import { ingestSource } from '../ingest/run-ingest.js';

const XSS_TITLE = '<script>alert("t")</script> Attention <img src=x onerror=alert(1)> Is All You Need';
const XSS_ABSTRACT = 'We show $\\href{javascript:alert(2)}{click}$ and $<svg onload=alert(3)>$ and \\url{javascript:alert(4)} "quoted" & more. Neural attention everywhere.';

function hostileLine(id: string, title: string): string {
  return JSON.stringify({
    id,
    submitter: 'x',
    authors: 'Eve <b>Evil</b>, "><script>alert(5)</script>',
    title,
    comments: '<a href="javascript:alert(6)">code</a>',
    'journal-ref': null,
    doi: null,
    'report-no': null,
    categories: 'cs.LG',
    license: null,
    abstract: XSS_ABSTRACT,
    versions: [{ version: 'v1', created: 'Mon, 24 Nov 2026 10:00:00 GMT' }],
    update_date: '2026-11-24',
  });
}

describe.each(DIALECTS)('site pages on $name', (dialect) => {
  let site: SiteFixture;
  let browser: Browser;

  beforeAll(async () => {
    site = await createSite({}, {}, dialect);
    const file = join(site.ctx.dir, 'hostile.jsonl');
    writeFileSync(file, `${hostileLine('2611.00001', XSS_TITLE)}\n${hostileLine('hep-th/9901001', 'Old style id paper about neural attention')}\n`);
    await ingestSource(site.ctx.database, file, { format: 'kaggle', http: site.ctx.http, log: () => {} });
    const stored = await findPaperById(site.ctx.database.db, '2611.00001');
    await addAlias(site.ctx.database.db, 'pb-0123456789ab', stored!.seq);
    browser = new Browser(site.app);
  });
  afterAll(() => site.close());

  /** No script can run from paper text: no raw tags from it, no inline handlers, no javascript: links. */
  function expectInert(body: string): void {
    expect(body).not.toContain('<script>alert');
    expect(body).not.toMatch(/<img[^>]*onerror/i);
    expect(body).not.toMatch(/<svg onload/i);
    expect(body).not.toMatch(/href="javascript:/i);
    expect(body).not.toMatch(/<b>Evil/);
    // The CSP forbids inline code; the pages must not need it.
    expect(body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(body).not.toMatch(/\sstyle="/);
    expect(body).not.toMatch(/\son[a-z]+="/);
  }

  describe('trending page', () => {
    it('lists papers newest-first with the notice when nothing has happened yet', async () => {
      const res = await browser.get('/');
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('No activity yet — showing the newest papers');
      expect(res.body).toContain('Get trending papers in your email inbox once a day!');
      expect(res.body.match(/<li class="card">/g)).toHaveLength(25);
      for (const w of ['day', 'week', 'month', 'all']) expect(res.body).toContain(`href="/?window=${w}"`);
      expect(res.body).toContain('rel="next" href="/?window=week&amp;page=2"');
      expect(res.body).toContain('<details class="abstract"><summary>Abstract</summary>');
      expect(res.body).toMatch(/<link rel="alternate" type="application\/atom\+xml"[^>]+href="\/feeds\/trending.atom\?window=week"/);
      expectInert(res.body);
    });

    it('pages and windows', async () => {
      const page2 = await browser.get('/?window=month&page=2');
      expect(page2.statusCode).toBe(200);
      expect(page2.body).toContain('aria-current="page">This month');
      expect(page2.body).toContain('rel="prev"');
      expect((await browser.get('/?window=year')).statusCode).toBe(400);
      expect((await browser.get('/?page=0')).statusCode).toBe(400);
      const beyond = await browser.get('/?page=9999');
      expect(beyond.statusCode).toBe(200);
      expect(beyond.body).toContain('no more papers');
    });

    it('sends a strict CSP and the usual security headers', async () => {
      const res = await browser.get('/');
      const csp = res.headers['content-security-policy'] as string;
      for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"]) {
        expect(csp).toContain(directive);
      }
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
      // Plain HTTP: no HSTS (it would be ignored, and must not pin a dev host).
      expect(res.headers['strict-transport-security']).toBeUndefined();
    });
  });

  describe('paper page', () => {
    it('shows everything we know, escaped', async () => {
      const res = await browser.get('/papers/2611.00001');
      expect(res.statusCode).toBe(200);
      expectInert(res.body);
      expect(res.body).toContain('&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; Attention &lt;img src=x onerror=alert(1)&gt;');
      expect(res.body).toContain('\\href{javascript:alert(2)}{click}');
      expect(res.body).toContain('https://arxiv.org/abs/2611.00001');
      expect(res.body).toContain('<svg class="chart"');
      expect(res.body).toMatch(/<pre class="bibtex" id="bibtex"[^>]*>@misc\{/);
      expect(res.body).toContain('data-copy-target="bibtex" hidden');
      expect(res.body).toContain('Similar papers');
      expect(res.body).toContain('<title>&lt;script&gt;');
    });

    it('links to similar papers until they are known, then shows them inline', async () => {
      expect((await browser.get('/papers/2611.00001')).body).toContain('data-load="/similar/2611.00001?partial=1"><p><a href="/similar/2611.00001">');
      const page = await browser.get('/similar/2611.00001');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Papers similar to');
      expectInert(page.body);
      const partial = await browser.get('/similar/2611.00001?partial=1');
      expect(partial.body).toMatch(/^<(ol class="similar"|p)/);
      expect(partial.body).not.toContain('<html');
      expect((await browser.get('/papers/2611.00001')).body).toMatch(/<h2 id="similar-title">Similar papers<\/h2>\n<(ol class="similar"|p class="meta")/);
      expect((await browser.get('/similar/hep-th/9901001')).statusCode).toBe(200);
      expect((await browser.get('/similar/pb-0123456789ab')).headers.location).toBe('/similar/2611.00001');
      expect((await browser.get('/similar/nope')).statusCode).toBe(404);
    });

    it('serves old-style ids with their slash, and redirects old generated ids (301)', async () => {
      expect((await browser.get('/papers/hep-th/9901001')).statusCode).toBe(200);
      expect((await browser.get('/papers/hep-th%2F9901001')).statusCode).toBe(200);
      const moved = await browser.get('/papers/pb-0123456789ab');
      expect(moved.statusCode).toBe(301);
      expect(moved.headers.location).toBe('/papers/2611.00001');
    });

    it('answers unknown papers with a 404 that helps', async () => {
      const res = await browser.get('/papers/9999.99999');
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('We do not know this paper');
      expect(res.body).toContain('value="9999.99999"');
      const nowhere = await browser.get('/no/such/<page>');
      expect(nowhere.statusCode).toBe(404);
      expect(nowhere.body).toContain('Page not found');
      expect(nowhere.body).not.toContain('<page>');
    });
  });

  describe('search page', () => {
    it('shows results with highlighted snippets, corrections and refinements', async () => {
      const res = await browser.get('/search?q=speculatve%20decoding');
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('<mark>');
      expect(res.body).toContain('Also searched:');
      expect(res.body).toContain(`href="/search?q=${encodeURIComponent('speculatve decoding has:code')}"`);
      expect(res.body).toContain('How to search');
      expect(res.body).toContain('value="speculatve decoding"');
    });

    it('escapes the query and hostile results, keeping only the snippet marks', async () => {
      const res = await browser.get(`/search?q=${encodeURIComponent('attention "><script>alert(9)</script>')}`);
      expect(res.statusCode).toBe(200);
      expectInert(res.body);
      expect(res.body).toContain('&quot;&gt;&lt;script&gt;alert(9)&lt;/script&gt;');
    });

    it('has helpful empty and start states, and pages', async () => {
      const empty = await browser.get('/search?q=zzzzqqqq%20xxyyzz');
      expect(empty.body).toContain('No papers match');
      const start = await browser.get('/search');
      expect(start.body).toContain('<details class="syntax" open>');
      const paged = await browser.get('/search?q=language&page=2');
      expect(paged.body).toContain('rel="prev"');
      expect((await browser.get('/search?q=x&page=51')).statusCode).toBe(400);
    });
  });

  describe('static assets', () => {
    it('serves the stylesheet and script, versioned and cacheable', async () => {
      const page = await browser.get('/');
      const css = /href="(\/static\/app\.css\?v=[0-9a-f]+)"/.exec(page.body)![1]!;
      const res = await browser.get(css);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/css');
      expect(res.headers['cache-control']).toContain('immutable');
      expect((await browser.get('/static/app.js')).headers['content-type']).toContain('javascript');
      expect((await browser.get('/static/../package.json')).statusCode).toBe(404);
      expect((await browser.get('/static/secret.txt')).statusCode).toBe(404);
    });
  });
});
