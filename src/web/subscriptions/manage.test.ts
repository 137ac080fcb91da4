/**
 * The links in subscription mail: confirming (GET shows a button, POST
 * confirms once), preferences (validated, CSRF-checked), RFC 8058 one-click
 * unsubscribe (POST without cookies; GET only shows a button), resubscribing,
 * and the digest preview.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Browser } from '../../../test/e2e/web-helpers.js';
import { addPapers, linkIn, paper, RecordingTransport, seedSubscriber } from '../../../test/support/subscription-fixtures.js';
import type { TempContext } from '../../../test/support/temp-context.js';
import { createDialectContext, DIALECTS } from '../../../test/dialects.js';
import { findOrCreateUser } from '../../accounts/account-store.js';
import { createSession } from '../../accounts/sessions.js';
import { SubscriberAudience } from '../../digest/audience.js';
import { openSearch } from '../../search/open-search.js';
import { CONFIRM_TTL_SECONDS, SubscriberLinks } from '../../subscribers/subscriber-links.js';
import { findSubscriberByEmail, listTopics } from '../../subscribers/subscriber-store.js';
import { buildApp } from '../app.js';
import { SESSION_COOKIE } from '../web-session.js';

describe.each(DIALECTS)('managing a subscription on $name', (dialect) => {
  let ctx: TempContext;
  let app: FastifyInstance;
  let links: SubscriberLinks;
  const mail = new RecordingTransport();

  beforeAll(async () => {
    ctx = await createDialectContext(dialect, { PUBLIC_URL: 'https://paperboy.example.org' });
    app = await buildApp({ ...ctx, search: await openSearch(ctx.database), mail });
    links = new SubscriberLinks(ctx.tokens, ctx.config);
  });
  afterAll(async () => {
    await app.close();
    await ctx.dispose();
  });

  const path = (url: string) => new URL(url).pathname;

  async function requestSubscription(b: Browser, email: string): Promise<string> {
    const before = mail.to(email).length;
    const csrf = await b.csrfToken('/subscribe');
    expect((await b.post('/subscribe', { _csrf: csrf, email })).statusCode).toBe(303);
    await vi.waitFor(() => expect(mail.to(email).length).toBe(before + 1));
    return linkIn(mail.to(email).at(-1)!.text, '/subscribe/confirm/');
  }

  async function status(email: string) {
    return (await findSubscriberByEmail(ctx.database.db, email))?.status;
  }

  describe('confirming', () => {
    it('GET shows one button and changes nothing; POST with the CSRF token confirms', async () => {
      const b = new Browser(app);
      const link = await requestSubscription(b, 'confirm@example.org');
      const page = await b.get(link);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('confirm@example.org');
      expect(page.body).toMatch(new RegExp(`<form class="stack" method="post" action="${link.replace(/[.]/g, '\\.')}">`));
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(await status('confirm@example.org')).toBe('pending');

      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
      expect((await b.post(link, {})).statusCode).toBe(403); // no CSRF token
      expect(await status('confirm@example.org')).toBe('pending');
      const done = await b.post(link, { _csrf: csrf });
      expect(done.statusCode).toBe(200);
      expect(done.body).toContain('You are subscribed');
      expect(done.body).toMatch(/href="https:\/\/paperboy\.example\.org\/preferences\/[\w.-]+"/);
      expect(await findSubscriberByEmail(ctx.database.db, 'confirm@example.org')).toMatchObject({ status: 'confirmed', confirmedAt: expect.any(String) });

      // Single use: the same link again is refused.
      const again = await b.post(link, { _csrf: csrf });
      expect(again.statusCode).toBe(410);
      expect(again.body).toContain('already been used');
      expect((await b.get(link)).statusCode).toBe(410);
    });

    it('refuses forged, expired and wrong-purpose links', async () => {
      const b = new Browser(app);
      const link = await requestSubscription(b, 'forged@example.org');
      const csrf = await b.csrfToken('/subscribe');
      const sub = (await findSubscriberByEmail(ctx.database.db, 'forged@example.org'))!;
      const [payload, signature] = link.split('/').pop()!.split('.');
      const otherPayload = Buffer.from(JSON.stringify({ purpose: 'confirm-subscription', sub: '1', exp: 9_999_999_999, jti: 'x' })).toString('base64url');
      const expired = ctx.tokens.create('confirm-subscription', String(sub.id), CONFIRM_TTL_SECONDS, Date.now() - (CONFIRM_TTL_SECONDS + 60) * 1000);
      const cases: Array<[string, number]> = [
        [`/subscribe/confirm/${otherPayload}.${signature}`, 400],
        [`/subscribe/confirm/${payload}.${signature!.slice(0, -2)}xx`, 400],
        [`/subscribe/confirm/${expired}`, 410],
        [path(links.unsubscribe(sub.id).url).replace('/unsubscribe/', '/subscribe/confirm/'), 400],
        ['/subscribe/confirm/garbage', 400],
      ];
      for (const [url, code] of cases) {
        expect((await b.get(url)).statusCode, url).toBe(code);
        expect((await b.post(url, { _csrf: csrf })).statusCode, url).toBe(code);
      }
      expect(await status('forged@example.org')).toBe('pending');
    });
  });

  describe('preferences', () => {
    it('shows the current preferences and saves valid changes (CSRF-checked)', async () => {
      const id = await seedSubscriber(ctx.database.db, { email: 'prefs@example.org', topics: [{ kind: 'query', value: 'diffusion -survey' }] });
      const url = path(links.preferences(id));
      const b = new Browser(app);
      const page = await b.get(url);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('prefs@example.org');
      expect(page.body).toContain('diffusion -survey</textarea>');
      expect(page.body).toContain('<option value="8" selected>08:00</option>');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
      const form = { frequency: 'weekly', sendHour: '7', timezone: 'Asia/Tokyo', papersPerMail: '5', queries: 'speculative decoding -survey\n-crypto', categories: 'cs.lg, stat.ML', authors: 'Yann LeCun' };

      expect((await b.post(url, form)).statusCode).toBe(403);
      const saved = await b.post(url, { _csrf: csrf, ...form });
      expect(saved.statusCode).toBe(303);
      expect(saved.headers.location).toBe(`${url}?saved=1`);
      expect(await findSubscriberByEmail(ctx.database.db, 'prefs@example.org')).toMatchObject({ frequency: 'weekly', sendHour: 7, timezone: 'Asia/Tokyo', weekends: false, papersPerMail: 5 });
      expect(await listTopics(ctx.database.db, id)).toEqual([
        { kind: 'query', value: 'speculative decoding -survey' },
        { kind: 'query', value: '-crypto' },
        { kind: 'category', value: 'cs.LG' },
        { kind: 'category', value: 'stat.ML' },
        { kind: 'author', value: 'Yann LeCun' },
      ]);
      expect((await b.get(`${url}?saved=1`)).body).toContain('Saved.');
    });

    it('refuses invalid values, saving nothing and keeping what was typed', async () => {
      const id = await seedSubscriber(ctx.database.db, { email: 'badprefs@example.org' });
      const url = path(links.preferences(id));
      const b = new Browser(app);
      const csrf = /name="_csrf" value="([^"]+)"/.exec((await b.get(url)).body)![1]!;
      const good = { _csrf: csrf, frequency: 'daily', sendHour: '9', timezone: 'Europe/Paris', weekends: 'on', papersPerMail: '10', queries: '', categories: '', authors: '' };
      const bad: Array<[Record<string, string>, string]> = [
        [{ timezone: 'Europe/Atlantis' }, 'Time zone'],
        [{ sendHour: '24' }, 'Send at'],
        [{ papersPerMail: '0' }, 'Papers per mail'],
        [{ frequency: 'hourly' }, 'How often'],
        [{ categories: 'cs.NOTREAL' }, 'cs.NOTREAL'],
        [{ queries: 'sort:newest' }, 'nothing to search for'],
      ];
      for (const [change, message] of bad) {
        const res = await b.post(url, { ...good, ...change });
        expect(res.statusCode, JSON.stringify(change)).toBe(400);
        expect(res.body).toContain(message);
      }
      const hostile = await b.post(url, { ...good, timezone: 'x', queries: '</textarea><script>alert(1)</script>' });
      expect(hostile.body).toContain('&lt;/textarea&gt;&lt;script&gt;');
      expect(await findSubscriberByEmail(ctx.database.db, 'badprefs@example.org')).toMatchObject({ sendHour: 8, timezone: 'UTC' });
    });

    it('refuses a link that is not a preferences link', async () => {
      const id = await seedSubscriber(ctx.database.db, { email: 'wrongpurpose@example.org' });
      expect((await app.inject(path(links.unsubscribe(id).url).replace('/unsubscribe/', '/preferences/'))).statusCode).toBe(400);
      expect((await app.inject('/preferences/nonsense')).statusCode).toBe(400);
    });
  });

  describe('unsubscribing', () => {
    it('GET shows a button and changes nothing (link scanners are harmless)', async () => {
      const id = await seedSubscriber(ctx.database.db, { email: 'scanned@example.org' });
      const url = path(links.unsubscribe(id).url);
      const page = await app.inject(url);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(`<form class="stack" method="post" action="${url}">`);
      expect(page.body).toContain('<button type="submit" class="primary">Unsubscribe</button>');
      expect(await status('scanned@example.org')).toBe('confirmed');
      // The gentler way out: its "receive fewer" link opens the preferences.
      const fewer = /<a href="(\/preferences\/[^"]+)">receive fewer<\/a>/.exec(page.body)![1]!;
      expect((await app.inject(fewer)).statusCode).toBe(200);
    });

    it('one-click POST (RFC 8058) unsubscribes at once, without cookies or CSRF, in any body encoding', async () => {
      const audience = new SubscriberAudience(ctx.database.db);
      const due = async () => {
        const out: string[] = [];
        for await (const batch of audience.dueSubscribers({ date: '2025-03-10', frequency: 'daily' }, new Date('2025-03-11T12:00:00Z'))) out.push(...batch.map((s) => s.email));
        return out;
      };
      const ids = [await seedSubscriber(ctx.database.db, { email: 'oneclick@example.org' }), await seedSubscriber(ctx.database.db, { email: 'multipart@example.org' })];
      expect(await due()).toEqual(expect.arrayContaining(['oneclick@example.org', 'multipart@example.org']));

      const form = await app.inject({ method: 'POST', url: path(links.unsubscribe(ids[0]!).url), payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(form.statusCode).toBe(200);
      const boundary = 'pbboundary';
      const multipart = await app.inject({
        method: 'POST',
        url: path(links.unsubscribe(ids[1]!).url),
        payload: `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
      expect(multipart.statusCode).toBe(200);
      expect(multipart.body).toContain('You are unsubscribed');
      expect(await status('oneclick@example.org')).toBe('unsubscribed');
      expect(await status('multipart@example.org')).toBe('unsubscribed');
      expect(await due()).not.toEqual(expect.arrayContaining(['oneclick@example.org']));
      // Repeating it (providers retry) is harmless.
      expect((await app.inject({ method: 'POST', url: path(links.unsubscribe(ids[0]!).url) })).statusCode).toBe(200);
    });

    it('refuses a forged unsubscribe link', async () => {
      const id = await seedSubscriber(ctx.database.db, { email: 'safe@example.org' });
      const forged = path(links.preferences(id)).replace('/preferences/', '/unsubscribe/');
      expect((await app.inject({ method: 'POST', url: forged, payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).statusCode).toBe(400);
      expect(await status('safe@example.org')).toBe('confirmed');
    });

    it('lets the subscriber come back through a new double opt-in; old confirmation links stay dead', async () => {
      const b = new Browser(app);
      const first = await requestSubscription(b, 'comeback@example.org');
      const csrf = /name="_csrf" value="([^"]+)"/.exec((await b.get(first)).body)![1]!;
      expect((await b.post(first, { _csrf: csrf })).statusCode).toBe(200);
      const sub = (await findSubscriberByEmail(ctx.database.db, 'comeback@example.org'))!;
      const gone = await b.post(path(links.unsubscribe(sub.id).url), { 'List-Unsubscribe': 'One-Click' });
      expect(gone.body).toContain('Subscribe again');
      expect(await status('comeback@example.org')).toBe('unsubscribed');

      // "Subscribe again" sends a fresh confirmation at once (the throttle was reset), and nothing changes until it is used.
      const second = await requestSubscription(b, 'comeback@example.org');
      expect(second).not.toBe(first);
      expect(await status('comeback@example.org')).toBe('unsubscribed');
      expect((await b.post(first, { _csrf: csrf })).statusCode).toBe(410);
      expect((await b.post(second, { _csrf: csrf })).statusCode).toBe(200);
      expect(await status('comeback@example.org')).toBe('confirmed');
    });
  });

  describe('GET /digest/preview', () => {
    it('shows the signed-in reader their digest, exactly as composed', async () => {
      await seedSubscriber(ctx.database.db, { email: 'reader@example.org' });
      const user = await findOrCreateUser(ctx.database.db, 'reader@example.org', new Date());
      const session = await createSession(ctx.database.db, user.id, new Date());
      const headers = { cookie: `${SESSION_COOKIE}=${session.token}` };
      // An empty catalogue: nothing new, so nothing would be sent.
      const empty = await app.inject({ url: '/digest/preview?edition=2025-03-10', headers });
      expect(empty.statusCode).toBe(200);
      expect(empty.body).toContain('no mail would be sent');
      expect((await app.inject({ url: '/digest/preview?edition=2025-3-10', headers })).statusCode).toBe(400);
    });

    it('asks visitors to sign in; ?subscriber= works in development only', async () => {
      const res = await app.inject('/digest/preview');
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toContain('/sign-in');
      expect((await app.inject('/digest/preview?subscriber=nobody@example.org')).statusCode).toBe(404);

      await addPapers(ctx.database.db, [paper({ title: 'Preview <em>me</em>' }, new Date(Date.now() - 26 * 3_600_000))]);
      await seedSubscriber(ctx.database.db, { email: 'dev@example.org' });
      const today = new Date().toISOString().slice(0, 10);
      const html = await app.inject(`/digest/preview?subscriber=dev@example.org&edition=${today}`);
      expect(html.statusCode).toBe(200);
      expect(html.body).toContain('Preview &lt;em&gt;me&lt;/em&gt;');
      // The mail's inline styles are allowed on this response; scripts still are not.
      expect(html.headers['content-security-policy']).toContain("style-src 'unsafe-inline'");
      expect(html.headers['content-security-policy']).not.toContain('script-src');
      const text = await app.inject(`/digest/preview?subscriber=dev@example.org&edition=${today}&format=text`);
      expect(text.body).toMatch(/^Subject: “Preview <em>me<\/em>”/);
      const json = await app.inject(`/digest/preview?subscriber=dev@example.org&edition=${today}&format=json`);
      expect(json.json()).toMatchObject({ subject: expect.any(String), headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }, paperIds: [expect.any(String)] });
    });
  });
});
