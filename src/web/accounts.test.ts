/**
 * Sign-in by magic link, sessions, CSRF, upvotes, saves and the library,
 * through app.inject with a cookie jar.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createSite, outboxMails, signIn, signInLinkFor, type SiteFixture } from '../../test/e2e/web-helpers.js';
import { accountsDb } from '../accounts/account-tables.js';
import { SIGN_IN_TTL_SECONDS, signInUrl } from '../accounts/magic-links.js';
import { SESSION_COOKIE } from './web-session.js';
import { DIALECTS } from '../../test/dialects.js';

describe.each(DIALECTS)('accounts on $name', (dialect) => {
  let site: SiteFixture;
  let paperId: string;

  beforeAll(async () => {
    site = await createSite({}, { rateLimits: { signInPerAddress: 3, signInPerIp: 1000, actionsPerMinute: 30 } }, dialect);
    paperId = (await site.app.inject({ url: '/api/trending?limit=1' })).json().results[0].id;
  });
  afterAll(() => site.close());

  async function tableCount(table: 'used_tokens' | 'sessions' | 'users'): Promise<number> {
    const row = await accountsDb(site.ctx.database.db).selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  function tokenFromLink(path: string): string {
    return new URL(path, 'http://x').searchParams.get('token')!;
  }

  describe('sign-in by magic link', () => {
    it('refuses a sign-in request without, or with a forged, CSRF token', async () => {
      const b = new Browser(site.app);
      await b.csrfToken();
      expect((await b.post('/sign-in', { email: 'a@example.org' })).statusCode).toBe(403);
      expect((await b.post('/sign-in', { _csrf: 'forged-token-value-forged-token-value-xx', email: 'a@example.org' })).statusCode).toBe(403);
      // A token from another browser does not fit this browser's cookie.
      const other = await new Browser(site.app).csrfToken();
      expect((await b.post('/sign-in', { _csrf: other, email: 'a@example.org' })).statusCode).toBe(403);
      expect(await outboxMails(site.ctx.dir)).toHaveLength(0);
    });

    it('rejects addresses that are not addresses', async () => {
      const b = new Browser(site.app);
      const res = await b.post('/sign-in', { _csrf: await b.csrfToken(), email: 'not-an-address<script>' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('valid email address');
      expect(res.body).not.toContain('<script>');
    });

    it('mails a link whose GET changes nothing and whose POST signs in once', async () => {
      const b = new Browser(site.app);
      const csrf = await b.csrfToken('/sign-in?next=/library');
      const sent = await b.post('/sign-in', { _csrf: csrf, email: '  Alice@Example.ORG ', next: '/library' });
      expect(sent.statusCode).toBe(200);
      expect(sent.body).toContain('Check your inbox');
      const link = await signInLinkFor(site.ctx.dir, 'alice@example.org');
      expect(link).toContain('next=%2Flibrary');

      const usedBefore = await tableCount('used_tokens');
      const sessionsBefore = await tableCount('sessions');
      // A link scanner fetching the link, twice.
      for (let i = 0; i < 2; i++) {
        const confirm = await new Browser(site.app).get(link);
        expect(confirm.statusCode).toBe(200);
        expect(confirm.body).toContain('alice@example.org');
        expect(confirm.body).toContain('action="/sign-in/confirm"');
      }
      expect(await tableCount('used_tokens')).toBe(usedBefore);
      expect(await tableCount('sessions')).toBe(sessionsBefore);

      const token = tokenFromLink(link);
      expect((await b.post('/sign-in/confirm', { token, next: '/library' })).statusCode).toBe(403);
      expect(await tableCount('used_tokens')).toBe(usedBefore);
      const done = await b.post('/sign-in/confirm', { _csrf: csrf, token, next: '/library' });
      expect(done.statusCode).toBe(303);
      expect(done.headers.location).toBe('/library');
      const cookie = String(done.headers['set-cookie']);
      expect(cookie).toMatch(new RegExp(`${SESSION_COOKIE}=[A-Za-z0-9_-]{43}`));
      expect(cookie).toContain('HttpOnly');
      expect(cookie).toContain('SameSite=Lax');
      expect(cookie).not.toContain('Secure');
      expect((await b.get('/library')).body).toContain('signed in as alice@example.org');

      // Single use: the same link again, from any browser.
      const again = await b.post('/sign-in/confirm', { _csrf: csrf, token });
      expect(again.statusCode).toBe(400);
      expect(again.body).toContain('already been used');
      expect((await new Browser(site.app).get(link)).body).toContain('already been used');
    });

    it('refuses expired, forged and wrong-purpose tokens', async () => {
      const b = new Browser(site.app);
      const csrf = await b.csrfToken();
      const expired = site.ctx.tokens.create('sign-in', 'bob@example.org', SIGN_IN_TTL_SECONDS, Date.now() - (SIGN_IN_TTL_SECONDS + 60) * 1000);
      expect((await b.get(new URL(signInUrl(site.ctx.config, expired, undefined)).search.replace(/^/, '/sign-in/confirm'))).body).toContain('expired');
      expect((await b.post('/sign-in/confirm', { _csrf: csrf, token: expired })).body).toContain('expired');

      const genuine = site.ctx.tokens.create('sign-in', 'bob@example.org', SIGN_IN_TTL_SECONDS);
      const [payload] = genuine.split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
      const forgedPayload = Buffer.from(JSON.stringify({ ...claims, sub: 'admin@example.org' })).toString('base64url');
      const forged = `${forgedPayload}.${genuine.split('.')[1]}`;
      const wrongPurpose = site.ctx.tokens.create('unsubscribe', 'bob@example.org', SIGN_IN_TTL_SECONDS);
      for (const token of [forged, wrongPurpose, 'garbage', '']) {
        const res = await b.post('/sign-in/confirm', { _csrf: csrf, token });
        expect(res.statusCode).toBe(400);
        expect(res.body).toContain('not valid');
      }
      expect(b.cookies.has(SESSION_COOKIE)).toBe(false);
    });

    it('redirects only to our own paths', async () => {
      for (const [next, expected] of [
        ['//evil.example/x', '/'],
        ['https://evil.example/', '/'],
        ['/\\evil.example', '/'],
        ['javascript:alert(1)', '/'],
        ['/papers/x?y=1#z', '/papers/x?y=1#z'],
      ] as const) {
        const b = new Browser(site.app);
        const csrf = await b.csrfToken();
        const token = site.ctx.tokens.create('sign-in', 'carol@example.org', SIGN_IN_TTL_SECONDS);
        const res = await b.post('/sign-in/confirm', { _csrf: csrf, token, next });
        expect(res.statusCode).toBe(303);
        expect(res.headers.location).toBe(expected);
      }
    });

    it('signs out with a POST that ends the session server-side', async () => {
      const b = new Browser(site.app);
      await signIn(b, site.ctx.dir, 'dave@example.org');
      const session = b.cookies.get(SESSION_COOKIE)!;
      const csrf = await b.csrfToken('/');
      expect((await b.get('/sign-out')).statusCode).toBe(404);
      expect((await b.post('/sign-out', {})).statusCode).toBe(403);
      expect((await b.post('/sign-out', { _csrf: csrf })).headers.location).toBe('/');
      // The old cookie value no longer works, even if replayed.
      const replay = await site.app.inject({ url: '/library', headers: { cookie: `${SESSION_COOKIE}=${session}` } });
      expect(replay.statusCode).toBe(303);
      expect(replay.headers.location).toBe('/sign-in?next=%2Flibrary');
    });

    it('marks the session cookie Secure behind HTTPS', async () => {
      const secure = await createSite({ PUBLIC_URL: 'https://papers.example.org' });
      try {
        const b = new Browser(secure.app);
        const csrf = await b.csrfToken();
        const res = await b.post('/sign-in/confirm', { _csrf: csrf, token: secure.ctx.tokens.create('sign-in', 'erin@example.org', 60) });
        expect(String(res.headers['set-cookie'])).toContain('Secure');
        expect((await b.get('/')).headers['strict-transport-security']).toContain('max-age=');
        expect(await signInLinkFor(secure.ctx.dir, 'nobody').catch(() => 'none')).toBe('none');
      } finally {
        await secure.close();
      }
    });

    it('limits sign-in mails per address and per IP', async () => {
      const b = new Browser(site.app);
      const csrf = await b.csrfToken();
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await b.post('/sign-in', { _csrf: csrf, email: 'flood@example.org' }, { 'x-forwarded-for': `10.0.0.${i}` })).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect((await outboxMails(site.ctx.dir)).filter((m) => m.to.includes('flood@'))).toHaveLength(3);
    });

    it('limits sign-in requests per IP, whatever the address', async () => {
      const small = await createSite({}, { rateLimits: { signInPerIp: 5 } });
      try {
        const b = new Browser(small.app);
        const csrf = await b.csrfToken();
        const statuses: number[] = [];
        for (let i = 0; i < 7; i++) statuses.push((await b.post('/sign-in', { _csrf: csrf, email: `ip${i}@example.org` })).statusCode);
        expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
        const limited = await b.post('/sign-in', { _csrf: csrf, email: 'late@example.org' });
        expect(limited.headers['retry-after']).toBeDefined();
        expect(limited.body).toContain('Too many requests');
      } finally {
        await small.close();
      }
    });
  });

  describe('upvotes, saves and the library', () => {
    it('sends visitors to sign in, and has no GET that votes', async () => {
      const b = new Browser(site.app);
      const csrf = await b.csrfToken('/');
      const res = await b.post(`/papers/${paperId}/vote`, { _csrf: csrf, vote: '1' });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`/sign-in?next=${encodeURIComponent(`/papers/${paperId}`)}`);
      expect((await b.post(`/papers/${paperId}/vote`, { _csrf: csrf }, { accept: 'application/json' })).statusCode).toBe(401);
      expect((await b.get(`/papers/${paperId}/vote`)).statusCode).toBe(404);
    });

    it('counts one vote per user, removable, and refuses forged requests', async () => {
      const voter = new Browser(site.app);
      await signIn(voter, site.ctx.dir, 'voter@example.org');
      const csrf = await voter.csrfToken('/');
      const json = { accept: 'application/json' };
      const count = async () => Number(/class="vote-count"[^>]*>(\d+)</.exec((await voter.get(`/papers/${paperId}`)).body)![1]);
      expect(await count()).toBe(0);

      expect((await voter.post(`/papers/${paperId}/vote`, { vote: '1' }, json)).statusCode).toBe(403);
      expect((await voter.post(`/papers/${paperId}/vote`, { _csrf: 'x'.repeat(43), vote: '1' }, json)).statusCode).toBe(403);
      expect(await count()).toBe(0);

      expect((await voter.post(`/papers/${paperId}/vote`, { _csrf: csrf, vote: '1' }, json)).json()).toEqual({ votes: 1, voted: true });
      expect((await voter.post(`/papers/${paperId}/vote`, { _csrf: csrf, vote: '1' }, json)).json()).toEqual({ votes: 1, voted: true });
      const other = new Browser(site.app);
      await signIn(other, site.ctx.dir, 'other@example.org');
      // Without JavaScript: a redirect back to where the form was.
      const plain = await other.post(`/papers/${paperId}/vote`, { _csrf: await other.csrfToken('/'), vote: '1', next: '/?window=day' });
      expect(plain.statusCode).toBe(303);
      expect(plain.headers.location).toBe('/?window=day');
      expect(await count()).toBe(2);
      const trending = await voter.get('/?window=day');
      expect(trending.body).not.toContain('No activity yet');
      expect(trending.body).toContain('aria-pressed="true"');

      expect((await voter.post(`/papers/${paperId}/vote`, { _csrf: csrf, vote: '0' }, json)).json()).toEqual({ votes: 1, voted: false });
      expect(await count()).toBe(1);
      expect((await voter.post('/papers/nope/vote', { _csrf: csrf, vote: '1' }, json)).statusCode).toBe(404);
      // An outside next= is ignored in favour of the paper's page.
      const evil = await voter.post(`/papers/${paperId}/vote`, { _csrf: csrf, vote: '1', next: '//evil.example' });
      expect(evil.headers.location).toBe(`/papers/${paperId}`);
    });

    it('saves papers to the library and takes them out again', async () => {
      const reader = new Browser(site.app);
      await signIn(reader, site.ctx.dir, 'reader@example.org');
      const csrf = await reader.csrfToken('/');
      expect((await reader.get('/library')).body).toContain('Nothing saved yet');
      expect((await reader.post(`/papers/${paperId}/save`, { _csrf: csrf, save: '1' }, { accept: 'application/json' })).json()).toEqual({ saved: true });
      const library = await reader.get('/library');
      expect(library.body).toContain('1 saved paper');
      expect(library.body).toContain(`href="/papers/${paperId}"`);
      await reader.post(`/papers/${paperId}/save`, { _csrf: csrf, save: '0' });
      expect((await reader.get('/library')).body).toContain('Nothing saved yet');
    });

    it('rate-limits votes', async () => {
      const fast = new Browser(site.app);
      await signIn(fast, site.ctx.dir, 'fast@example.org');
      const csrf = await fast.csrfToken('/');
      const statuses: number[] = [];
      for (let i = 0; i < 32; i++) statuses.push((await fast.post(`/papers/${paperId}/vote`, { _csrf: csrf, vote: i % 2 ? '0' : '1' }, { accept: 'application/json', 'x-forwarded-for': '10.9.9.9' })).statusCode);
      expect(statuses).toContain(429);
    });
  });
});
