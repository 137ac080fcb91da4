/**
 * Subscribing through the web: the form (CSRF), the JSON API, no address
 * enumeration, confirmation throttling, the per-IP limit, and that the answer
 * never waits for the mail.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Browser } from '../../../test/e2e/web-helpers.js';
import { linkIn, RecordingTransport, seedSubscriber } from '../../../test/support/subscription-fixtures.js';
import type { TempContext } from '../../../test/support/temp-context.js';
import { createDialectContext, DIALECTS } from '../../../test/dialects.js';
import { openSearch } from '../../search/open-search.js';
import { findSubscriberByEmail, listTopics } from '../../subscribers/subscriber-store.js';
import { subscriberDb } from '../../subscribers/subscriber-tables.js';
import { buildApp } from '../app.js';

describe.each(DIALECTS)('subscribing on $name', (dialect) => {
  let ctx: TempContext;
  let app: FastifyInstance;
  const mail = new RecordingTransport();
  let ip = 0;

  /** A browser from its own address, so the per-IP limit only bites where a test means it to. */
  function browser(): { b: Browser; remoteAddress: string } {
    ip += 1;
    return { b: new Browser(app), remoteAddress: `10.1.${Math.floor(ip / 250)}.${ip % 250}` };
  }

  async function subscribeForm(email: string, fields: Record<string, string> = {}) {
    const { b, remoteAddress } = browser();
    const csrf = await b.csrfToken('/subscribe');
    return b.request({ method: 'POST', url: '/subscribe', remoteAddress, payload: new URLSearchParams({ _csrf: csrf, email, ...fields }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  function subscribeApi(body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
    ip += 1;
    return app.inject({ method: 'POST', url: '/api/subscriptions', remoteAddress: `10.2.0.${ip % 250}`, payload: typeof body === 'string' ? body : JSON.stringify(body), headers });
  }

  beforeAll(async () => {
    ctx = await createDialectContext(dialect, { PUBLIC_URL: 'https://paperboy.example.org' });
    app = await buildApp({ ...ctx, search: await openSearch(ctx.database), mail });
  });
  afterAll(async () => {
    await app.close();
    await ctx.dispose();
  });

  describe('POST /subscribe (the box on every page)', () => {
    it('records a pending subscriber and mails a confirmation link, nothing else', async () => {
      const res = await subscribeForm('New.Reader@Example.org', { frequency: 'weekly', timezone: 'Europe/Berlin' });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/subscribe/sent');
      expect((await app.inject('/subscribe/sent')).body).toContain('Check your inbox');
      expect(await findSubscriberByEmail(ctx.database.db, 'new.reader@example.org')).toMatchObject({ status: 'pending', frequency: 'weekly', timezone: 'Europe/Berlin', sendHour: 8 });
      await vi.waitFor(() => expect(mail.to('new.reader@example.org')).toHaveLength(1));
      const [sent] = mail.to('new.reader@example.org');
      expect(sent!.subject).toBe('Confirm your Paperboy subscription');
      expect(linkIn(sent!.text, '/subscribe/confirm/')).toMatch(/^\/subscribe\/confirm\/[\w-]+\.[\w-]+$/);
      expect(sent!.html).toContain('Confirm my subscription');
      expect(sent!.headers).not.toHaveProperty('List-Unsubscribe');
    });

    it('falls back to UTC when the browser sent no usable time zone', async () => {
      await subscribeForm('nozone@example.org', { timezone: 'Mars/Olympus_Mons' });
      expect((await findSubscriberByEmail(ctx.database.db, 'nozone@example.org'))?.timezone).toBe('UTC');
    });

    it('refuses a missing or forged CSRF token, storing and sending nothing', async () => {
      const { b, remoteAddress } = browser();
      await b.csrfToken('/subscribe');
      const post = (form: Record<string, string>) => b.request({ method: 'POST', url: '/subscribe', remoteAddress, payload: new URLSearchParams(form).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect((await post({ email: 'csrf@example.org' })).statusCode).toBe(403);
      expect((await post({ _csrf: 'forged-forged-forged-forged-forged-forged-xx', email: 'csrf@example.org' })).statusCode).toBe(403);
      const other = await new Browser(app).csrfToken('/subscribe');
      expect((await post({ _csrf: other, email: 'csrf@example.org' })).statusCode).toBe(403);
      expect(await findSubscriberByEmail(ctx.database.db, 'csrf@example.org')).toBeUndefined();
    });

    it('asks again for an invalid address, escaping what was typed', async () => {
      const res = await subscribeForm('not-an-address<script>');
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('not-an-address&lt;script&gt;');
      expect(res.body).not.toContain('not-an-address<script>');
    });

    it('answers before the mail is sent (the response time does not depend on it)', async () => {
      let release!: () => void;
      mail.gate = new Promise((resolve) => (release = resolve));
      try {
        const res = await subscribeForm('slowmail@example.org');
        expect(res.statusCode).toBe(303);
        expect(mail.to('slowmail@example.org')).toHaveLength(0);
      } finally {
        mail.gate = undefined;
        release();
      }
      await vi.waitFor(() => expect(mail.to('slowmail@example.org')).toHaveLength(1));
    });

    it('limits subscribe requests per client address', async () => {
      const b = new Browser(app);
      const csrf = await b.csrfToken('/subscribe');
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const res = await b.request({ method: 'POST', url: '/subscribe', remoteAddress: '10.9.9.9', payload: new URLSearchParams({ _csrf: csrf, email: `flood${i}@example.org` }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
        statuses.push(res.statusCode);
      }
      expect(statuses.slice(0, 10).every((s) => s === 303)).toBe(true);
      expect(statuses.slice(10)).toEqual([429, 429]);
      expect((await subscribeForm('other-ip@example.org')).statusCode).toBe(303);
    });
  });

  describe('POST /api/subscriptions', () => {
    it('accepts JSON with frequency, time zone and topics', async () => {
      const res = await subscribeApi({ email: 'api@example.org', frequency: 'weekly', timezone: 'asia/tokyo', topics: [{ kind: 'query', value: 'diffusion -survey' }, { kind: 'category', value: 'CS.lg' }, { kind: 'author', value: 'Yann LeCun' }] });
      expect(res.statusCode).toBe(202);
      expect(res.json()).toEqual({ status: 'accepted', message: expect.stringContaining('confirmation link') });
      const sub = await findSubscriberByEmail(ctx.database.db, 'api@example.org');
      expect(sub).toMatchObject({ status: 'pending', frequency: 'weekly', timezone: 'Asia/Tokyo', source: 'api' });
      expect(await listTopics(ctx.database.db, sub!.id)).toEqual([
        { kind: 'query', value: 'diffusion -survey' },
        { kind: 'category', value: 'cs.LG' },
        { kind: 'author', value: 'Yann LeCun' },
      ]);
      await vi.waitFor(() => expect(mail.to('api@example.org')).toHaveLength(1));
    });

    it('requires a JSON content type, which a cross-site form cannot send', async () => {
      const form = await subscribeApi('email=xsite%40example.org', { 'content-type': 'application/x-www-form-urlencoded' });
      expect(form.statusCode).toBe(415);
      const plain = await subscribeApi('{"email":"xsite@example.org"}', { 'content-type': 'text/plain' });
      expect(plain.statusCode).toBe(415);
      expect(await findSubscriberByEmail(ctx.database.db, 'xsite@example.org')).toBeUndefined();
    });

    it('validates the body', async () => {
      for (const body of [{ email: 'nope' }, { email: 'a@example.org', timezone: 'Nowhere/Land' }, { email: 'a@example.org', frequency: 'hourly' }, { email: 'a@example.org', topics: [{ kind: 'category', value: 'cs.NOPE' }] }, { email: 'a@example.org', extra: 1 }]) {
        const res = await subscribeApi(body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(res.json().error.code).toBe('bad_request');
      }
    });
  });

  describe('no enumeration, no mail-bombing', () => {
    it('answers identically for new, pending, confirmed and unsubscribed addresses', async () => {
      await seedSubscriber(ctx.database.db, { email: 'confirmed@example.org' });
      await seedSubscriber(ctx.database.db, { email: 'unsubscribed@example.org', status: 'unsubscribed' });
      await subscribeApi({ email: 'pending@example.org' });
      const addresses = ['brand-new@example.org', 'pending@example.org', 'confirmed@example.org', 'unsubscribed@example.org'];
      const api = await Promise.all(addresses.map((email) => subscribeApi({ email })));
      expect(new Set(api.map((r) => `${r.statusCode} ${r.body}`)).size).toBe(1);
      const forms = [];
      for (const email of addresses) forms.push(await subscribeForm(email.replace('@', '+form@')));
      await seedSubscriber(ctx.database.db, { email: 'confirmed+form2@example.org' });
      forms.push(await subscribeForm('confirmed+form2@example.org'));
      expect(new Set(forms.map((r) => `${r.statusCode} ${r.headers.location} ${r.body}`)).size).toBe(1);
    });

    it('a confirmed subscriber is told by mail, not by the page, and their settings are untouched', async () => {
      await seedSubscriber(ctx.database.db, { email: 'settled@example.org', frequency: 'daily', timezone: 'Europe/Paris' });
      await subscribeApi({ email: 'settled@example.org', frequency: 'weekly', timezone: 'UTC' });
      await vi.waitFor(() => expect(mail.to('settled@example.org')).toHaveLength(1));
      const [sent] = mail.to('settled@example.org');
      expect(sent!.subject).toBe('Your Paperboy subscription');
      expect(sent!.text).toMatch(/https:\/\/paperboy\.example\.org\/preferences\/\S+/);
      expect(await findSubscriberByEmail(ctx.database.db, 'settled@example.org')).toMatchObject({ status: 'confirmed', frequency: 'daily', timezone: 'Europe/Paris' });
    });

    it('forgets addresses that were never confirmed after 30 days', async () => {
      await seedSubscriber(ctx.database.db, { email: 'stale@example.org', status: 'pending', confirmedAt: new Date(Date.now() - 31 * 86_400_000).toISOString() });
      await seedSubscriber(ctx.database.db, { email: 'fresh-pending@example.org', status: 'pending', confirmedAt: new Date().toISOString() });
      await subscribeApi({ email: 'housekeeping@example.org' });
      expect(await findSubscriberByEmail(ctx.database.db, 'stale@example.org')).toBeUndefined();
      expect(await findSubscriberByEmail(ctx.database.db, 'fresh-pending@example.org')).toBeDefined();
    });

    it('sends at most one confirmation per address per interval, however often it is entered', async () => {
      for (let i = 0; i < 5; i++) await subscribeApi({ email: 'target@example.org' });
      await vi.waitFor(() => expect(mail.to('target@example.org')).toHaveLength(1));
      await new Promise((r) => setTimeout(r, 50));
      expect(mail.to('target@example.org')).toHaveLength(1);
      // Four hours later (the default interval), one more is allowed.
      const fourHoursAgo = new Date(Date.now() - 4 * 3_600_000 - 1000).toISOString();
      await subscriberDb(ctx.database.db).updateTable('subscribers').set({ last_confirmation_sent_at: fourHoursAgo }).where('email', '=', 'target@example.org').execute();
      await subscribeApi({ email: 'target@example.org' });
      await subscribeApi({ email: 'target@example.org' });
      await vi.waitFor(() => expect(mail.to('target@example.org')).toHaveLength(2));
    });
  });
});
