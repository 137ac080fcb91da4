/**
 * The whole subscription path with the real `.eml` outbox: the subscribe box
 * on a page → confirmation mail (parsed with mailparser) → confirm → due for
 * today's edition → composed digest → written as a mail and parsed back
 * (headers, both parts) → one-click unsubscribe from its List-Unsubscribe
 * header → no longer due. (Delivery over SMTP is the delivery engine's test.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Browser } from '../../../test/e2e/web-helpers.js';
import { addPapers, paper } from '../../../test/support/subscription-fixtures.js';
import type { TempContext } from '../../../test/support/temp-context.js';
import { createDialectContext, DIALECTS } from '../../../test/dialects.js';
import { createDigestParts } from '../../digest/compose-parts.js';
import type { EditionKey } from '../../digest/delivery-types.js';
import { editionEndsEverywhere } from '../../digest/edition-key.js';
import { openSearch } from '../../search/open-search.js';
import type { SearchService } from '../../search/search-service.js';
import { mailFrom, senderAddress } from '../../subscribers/subscriber-links.js';
import { buildApp } from '../app.js';

describe.each(DIALECTS)('the subscription flow on $name', (dialect) => {
  let ctx: TempContext;
  let app: FastifyInstance;
  let search: SearchService;

  async function outbox(): Promise<ParsedMail[]> {
    const dir = join(ctx.dir, 'outbox');
    let files: string[] = [];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();
    } catch {
      return [];
    }
    return Promise.all(files.map((f) => simpleParser(readFileSync(join(dir, f)))));
  }

  function header(mail: ParsedMail, name: string): string {
    const line = mail.headerLines.find((h) => h.key === name.toLowerCase());
    return line ? line.line.slice(line.line.indexOf(':') + 1).replace(/\r?\n\s+/g, ' ').trim() : '';
  }

  beforeAll(async () => {
    ctx = await createDialectContext(dialect, { PUBLIC_URL: 'https://paperboy.example.org', MAIL_POSTAL_ADDRESS: 'Paperboy, 1 Main Street, Springfield' });
    const yesterday = new Date(Date.now() - 26 * 3_600_000);
    await addPapers(ctx.database.db, [
      paper({ title: 'Speculative decoding with tiny draft models', categories: ['cs.CL'] }, yesterday),
      paper({ title: 'Robots that <b>grasp</b> & "learn"', categories: ['cs.RO'] }, yesterday),
    ]);
    search = await openSearch(ctx.database);
    app = await buildApp({ ...ctx, search });
  });
  afterAll(async () => {
    await app.close();
    await ctx.dispose();
  });

  it('subscribe → confirm → compose → one-click unsubscribe, through real mail files', async () => {
    const b = new Browser(app);
    // The subscribe box is on every page.
    const home = await b.get('/search');
    const csrf = /<form method="post" action="\/subscribe">\s*<input type="hidden" name="_csrf" value="([^"]+)">/.exec(home.body)?.[1];
    expect(csrf).toBeDefined();
    expect((await b.post('/subscribe', { _csrf: csrf!, email: 'Reader@Example.org', frequency: 'daily', timezone: 'UTC' })).headers.location).toBe('/subscribe/sent');

    await vi.waitFor(async () => expect(await outbox()).toHaveLength(1));
    const [confirmation] = await outbox();
    expect(confirmation!.to).toMatchObject({ text: 'reader@example.org' });
    expect(confirmation!.from?.value[0]?.address).toBe(senderAddress(ctx.config));
    expect(confirmation!.html).toContain('Confirm my subscription');
    const link = new URL(/https:\/\/paperboy\.example\.org\/subscribe\/confirm\/\S+/.exec(confirmation!.text!)![0]).pathname;

    const prompt = await b.get(link);
    const formCsrf = /name="_csrf" value="([^"]+)"/.exec(prompt.body)![1]!;
    expect((await b.post(link, { _csrf: formCsrf })).body).toContain('You are subscribed');

    const parts = await createDigestParts(ctx, { search });
    const edition: EditionKey = { date: new Date().toISOString().slice(0, 10), frequency: 'daily' };
    const due = [];
    for await (const batch of parts.audience.dueSubscribers(edition, editionEndsEverywhere(edition.date))) due.push(...batch);
    expect(due.map((d) => d.email)).toEqual(['reader@example.org']);

    const digest = (await parts.composer.compose(due[0]!, edition))!;
    expect(digest.paperIds).toHaveLength(2);
    expect(digest.subject).toMatch(/^“.+” and 1 more paper$/);
    // What the delivery engine does with it: one mail, headers passed through verbatim.
    await ctx.mail.send({ from: mailFrom(ctx.config), to: due[0]!.email, subject: digest.subject, html: digest.html, text: digest.text, headers: digest.headers });
    const sent = (await outbox()).find((m) => m.subject === digest.subject)!;
    expect(header(sent, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(header(sent, 'List-Id')).toBe('Paperboy daily digest <daily.digest.paperboy.example.org>');
    expect(sent.html).toContain('Robots that &lt;b&gt;grasp&lt;/b&gt; &amp; &quot;learn&quot;');
    expect(sent.text).toContain('Robots that <b>grasp</b> & "learn"');
    expect(sent.text).toContain('Paperboy, 1 Main Street, Springfield');

    const oneClick = /<(https:[^>]+)>/.exec(header(sent, 'List-Unsubscribe'))![1]!;
    const res = await app.inject({ method: 'POST', url: new URL(oneClick).pathname, payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.statusCode).toBe(200);
    const after = [];
    for await (const batch of parts.audience.dueSubscribers(edition, editionEndsEverywhere(edition.date))) after.push(...batch);
    expect(after).toEqual([]);
    expect(await parts.composer.compose(due[0]!, edition)).toBeNull();
  });
});
