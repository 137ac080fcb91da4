/**
 * `GET/POST /preferences/:token`: the signed link in every digest is the
 * whole authorisation (no password); the POST also needs this browser's
 * CSRF token, so another site cannot change someone's preferences.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { SubscriberAccount } from '../../subscribers/subscriber-account.js';
import type { SubscriberLinks } from '../../subscribers/subscriber-links.js';
import type { Subscriber } from '../../subscribers/subscriber-store.js';
import type { WebContext } from '../app.js';
import { pageContext, sendPage, type PageContext } from '../page-reply.js';
import { sendErrorPage } from '../routes/page-routes.js';
import { parsePreferencesForm } from './preferences-form.js';
import { formValuesOf, renderPreferencesPage, type PreferencesFormValues } from './preferences-page.js';
import { renderLinkProblem } from './subscription-pages.js';
import { tokenFromPath, tokenPageHeaders } from './token-pages.js';

const Query = z.object({ saved: z.literal('1').optional() });

export interface PreferencesRouteDeps {
  account: SubscriberAccount;
  links: SubscriberLinks;
}

interface Resolved {
  ctx: PageContext;
  token: string;
  subscriber: Subscriber;
}

/** The subscriber the link is for, or the reply already sent explaining what is wrong with the link. */
async function resolve(web: WebContext, deps: PreferencesRouteDeps, request: FastifyRequest, reply: FastifyReply): Promise<{ ok: true; r: Resolved } | { ok: false; sent: FastifyReply }> {
  tokenPageHeaders(reply);
  const ctx = await pageContext(web, request, reply, '/');
  const token = tokenFromPath(request);
  const check = token ? await deps.account.resolve(token, 'preferences') : ({ ok: false, reason: 'invalid' } as const);
  if (!check.ok || !token) return { ok: false, sent: sendPage(reply, ctx, renderLinkProblem('preferences', check.ok ? 'invalid' : check.reason), { title: 'Preferences', status: !check.ok && check.reason === 'expired' ? 410 : 400 }) };
  return { ok: true, r: { ctx, token, subscriber: check.subscriber } };
}

function page(reply: FastifyReply, deps: PreferencesRouteDeps, r: Resolved, values: PreferencesFormValues, extra: { errors?: string[]; saved?: boolean; status?: number }): FastifyReply {
  const body = renderPreferencesPage({
    email: r.subscriber.email,
    status: r.subscriber.status,
    action: `/preferences/${r.token}`,
    unsubscribeUrl: deps.links.unsubscribe(r.subscriber.id).url,
    csrfToken: r.ctx.viewer.csrfToken,
    values,
    errors: extra.errors,
    saved: extra.saved,
  });
  return sendPage(reply, r.ctx, body, { title: 'Your digest preferences', status: extra.status });
}

export function registerPreferencesRoutes(app: FastifyInstance, web: WebContext, deps: PreferencesRouteDeps): void {
  app.get('/preferences/*', async (request, reply) => {
    const resolved = await resolve(web, deps, request, reply);
    if (!resolved.ok) return resolved.sent;
    const { r } = resolved;
    const saved = Query.safeParse(request.query).data?.saved === '1';
    return page(reply, deps, r, formValuesOf(await deps.account.preferences(r.subscriber)), { saved });
  });

  app.post('/preferences/*', async (request, reply) => {
    if (!web.csrf.verify(request)) return sendErrorPage(web, request, reply, 403, 'The form expired.');
    const resolved = await resolve(web, deps, request, reply);
    if (!resolved.ok) return resolved.sent;
    const { r } = resolved;
    const form = parsePreferencesForm(request.body);
    if (!form.ok) return page(reply, deps, r, form.values, { errors: form.errors, status: 400 });
    await deps.account.savePreferences(r.subscriber, form.preferences);
    return reply.redirect(`/preferences/${r.token}?saved=1`, 303);
  });
}
