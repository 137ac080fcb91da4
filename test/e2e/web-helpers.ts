/**
 * Helpers for driving the site with `app.inject` like a browser would: a
 * cookie jar, the CSRF token of a page's forms, and signing in through the
 * real magic-link mail.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { simpleParser } from 'mailparser';
import { DEMO_CORPUS_PATH } from '../../src/config/paths.js';
import { ingestSource } from '../../src/ingest/run-ingest.js';
import { openSearch } from '../../src/search/open-search.js';
import { buildApp, type AppDeps } from '../../src/web/app.js';
import { createTempContext, type TempContext } from '../support/temp-context.js';
import { createDialectContext, type TestDialect } from '../dialects.js';

export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly app: FastifyInstance,
    readonly userAgent = 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120 test',
  ) {}

  async request(options: InjectOptions): Promise<LightMyRequestResponse> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await this.app.inject({ ...options, headers: { 'user-agent': this.userAgent, ...(cookie ? { cookie } : {}), ...options.headers } });
    for (const c of res.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>) {
      const expired = c.maxAge === 0 || (c.expires !== undefined && c.expires.getTime() <= Date.now());
      if (expired || c.value === '') this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }

  get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.request({ method: 'GET', url, headers });
  }

  post(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.request({ method: 'POST', url, payload: new URLSearchParams(form).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
  }

  /** The CSRF token in the forms of a page (fetching it sets this browser's CSRF cookie). */
  async csrfToken(url = '/sign-in'): Promise<string> {
    const res = await this.get(url);
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
    if (!token) throw new Error(`no CSRF token on ${url}`);
    return token;
  }
}

/** Mails in a temporary context's outbox, oldest first. */
export async function outboxMails(dir: string): Promise<Array<{ to: string; subject: string; text: string }>> {
  let files: string[];
  try {
    files = readdirSync(join(dir, 'outbox')).filter((f) => f.endsWith('.eml')).sort();
  } catch {
    return [];
  }
  return Promise.all(
    files.map(async (f) => {
      const mail = await simpleParser(readFileSync(join(dir, 'outbox', f)));
      const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? '');
      return { to, subject: mail.subject ?? '', text: mail.text ?? '' };
    }),
  );
}

/** The path and query of the sign-in link in the newest mail to `email`. */
export async function signInLinkFor(dir: string, email: string): Promise<string> {
  const mail = (await outboxMails(dir)).filter((m) => m.to.includes(email)).pop();
  const link = mail && /https?:\/\/\S+\/sign-in\/confirm\?\S+/.exec(mail.text)?.[0];
  if (!link) throw new Error(`no sign-in mail for ${email}`);
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
}

/** Signs `browser` in as `email` through the whole magic-link flow. */
export async function signIn(browser: Browser, dir: string, email: string): Promise<void> {
  const csrf = await browser.csrfToken('/sign-in');
  const sent = await browser.post('/sign-in', { _csrf: csrf, email });
  if (sent.statusCode !== 200) throw new Error(`sign-in request failed: ${sent.statusCode}`);
  const confirm = await browser.get(await signInLinkFor(dir, email));
  const token = /name="token" value="([^"]+)"/.exec(confirm.body)?.[1];
  if (!token) throw new Error('no confirmation form');
  const done = await browser.post('/sign-in/confirm', { _csrf: csrf, token });
  if (done.statusCode !== 303) throw new Error(`sign-in confirmation failed: ${done.statusCode}`);
}

export interface SiteFixture {
  ctx: TempContext;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** A temporary database (SQLite, or the dialect given) with the demo corpus and the app over it (not listening). */
export async function createSite(env: Record<string, string> = {}, deps: Partial<AppDeps> = {}, dialect?: TestDialect): Promise<SiteFixture> {
  const ctx = dialect ? await createDialectContext(dialect, env) : await createTempContext(env);
  await ingestSource(ctx.database, DEMO_CORPUS_PATH, { format: 'seed', http: ctx.http, log: () => {} });
  const app = await buildApp({ ...ctx, search: await openSearch(ctx.database), ...deps });
  return {
    ctx,
    app,
    close: async () => {
      await app.close();
      await ctx.dispose();
    },
  };
}
