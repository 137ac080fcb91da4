/**
 * `/unsubscribe/:token`, the URL in every digest's List-Unsubscribe header.
 *
 * POST unsubscribes at once, WITHOUT a CSRF token or any cookie: this is the
 * one state-changing route exempt from CSRF. RFC 8058 one-click unsubscribe
 * is a POST sent by the mail provider's servers (Gmail, Yahoo…), which have
 * no cookie of ours and never saw a form; the signed token in the URL is the
 * authorisation, and the worst a forged cross-site POST could do is what the
 * token's holder may do anyway — unsubscribe that one address.
 *
 * GET shows a page with one button (posting to the same URL) and changes
 * nothing, so link scanners that open every URL in a mail cannot unsubscribe
 * anyone.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SubscriberAccount } from '../../subscribers/subscriber-account.js';
import type { SubscriberLinks } from '../../subscribers/subscriber-links.js';
import type { WebContext } from '../app.js';
import { pageContext, sendPage } from '../page-reply.js';
import { renderLinkProblem, renderUnsubscribed, renderUnsubscribePrompt } from './subscription-pages.js';
import { tokenFromPath, tokenPageHeaders } from './token-pages.js';

const ONE_CLICK_BODY_LIMIT = 16 * 1024;

export interface UnsubscribeRouteDeps {
  account: SubscriberAccount;
  links: SubscriberLinks;
}

async function handle(web: WebContext, { account, links }: UnsubscribeRouteDeps, request: FastifyRequest, reply: FastifyReply, act: boolean): Promise<FastifyReply> {
  tokenPageHeaders(reply);
  const ctx = await pageContext(web, request, reply, '/');
  const token = tokenFromPath(request);
  const check = token ? await account.resolve(token, 'unsubscribe') : ({ ok: false, reason: 'invalid' } as const);
  if (!check.ok || !token) {
    const reason = !check.ok && check.reason === 'expired' ? 'expired' : 'invalid';
    return sendPage(reply, ctx, renderLinkProblem('unsubscribe', reason), { title: 'Unsubscribe', status: reason === 'expired' ? 410 : 400 });
  }
  const { subscriber } = check;
  if (!act) {
    const action = `/unsubscribe/${token}`;
    return sendPage(reply, ctx, renderUnsubscribePrompt(ctx.viewer.csrfToken, action, subscriber.email, subscriber.status, new URL(links.preferences(subscriber.id)).pathname), { title: 'Unsubscribe' });
  }
  await account.unsubscribe(subscriber);
  return sendPage(reply, ctx, renderUnsubscribed(subscriber.email, ctx.viewer.csrfToken), { title: 'Unsubscribed' });
}

export function registerUnsubscribeRoutes(app: FastifyInstance, web: WebContext, deps: UnsubscribeRouteDeps): void {
  // Its own scope, so that accepting whatever body a mail provider sends stays local to this route.
  void app.register(async (scope) => {
    // RFC 8058 allows multipart/form-data as well as urlencoded bodies; the body
    // carries nothing we need ("List-Unsubscribe=One-Click"), so any type is read and ignored.
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: ONE_CLICK_BODY_LIMIT }, (_request, _body, done) => done(null, {}));
    scope.get('/unsubscribe/*', (request, reply) => handle(web, deps, request, reply, false));
    scope.post('/unsubscribe/*', (request, reply) => handle(web, deps, request, reply, true));
  });
}
