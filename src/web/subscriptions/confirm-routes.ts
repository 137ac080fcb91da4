/**
 * The confirmation link: `GET /subscribe/confirm/:token` shows one button and
 * changes nothing (mail scanners open links); `POST` — with this browser's
 * CSRF token — confirms, once.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ConfirmRefusal, SubscriptionService } from '../../subscribers/subscription-service.js';
import type { WebContext } from '../app.js';
import { pageContext, sendPage, type PageContext } from '../page-reply.js';
import { sendErrorPage } from '../routes/page-routes.js';
import { renderConfirmed, renderConfirmProblem, renderConfirmPrompt } from './subscription-pages.js';
import { tokenFromPath, tokenPageHeaders } from './token-pages.js';

const REFUSAL_STATUS: Record<ConfirmRefusal, number> = { invalid: 400, expired: 410, used: 410 };

function problem(reply: FastifyReply, ctx: PageContext, reason: ConfirmRefusal): FastifyReply {
  return sendPage(reply, ctx, renderConfirmProblem(reason, ctx.viewer.csrfToken), { title: 'Cannot confirm', status: REFUSAL_STATUS[reason] });
}

async function showPrompt(web: WebContext, service: SubscriptionService, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  tokenPageHeaders(reply);
  const ctx = await pageContext(web, request, reply, '/subscribe');
  const token = tokenFromPath(request);
  const check = token ? await service.checkConfirmation(token) : ({ ok: false, reason: 'invalid' } as const);
  if (!check.ok || !token) return problem(reply, ctx, check.ok ? 'invalid' : check.reason);
  const action = `/subscribe/confirm/${token}`;
  return sendPage(reply, ctx, renderConfirmPrompt(ctx.viewer.csrfToken, action, check.subscriber.email), { title: 'Confirm your subscription' });
}

async function confirm(web: WebContext, service: SubscriptionService, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  tokenPageHeaders(reply);
  if (!web.csrf.verify(request)) return sendErrorPage(web, request, reply, 403, 'The form expired.');
  const ctx = await pageContext(web, request, reply, '/subscribe');
  const token = tokenFromPath(request);
  const result = token ? await service.confirm(token) : ({ ok: false, reason: 'invalid' } as const);
  if (!result.ok) return problem(reply, ctx, result.reason);
  return sendPage(reply, ctx, renderConfirmed(result.subscriber.email, service.preferencesLink(result.subscriber)), { title: 'You are subscribed' });
}

export function registerConfirmRoutes(app: FastifyInstance, web: WebContext, service: SubscriptionService): void {
  app.get('/subscribe/confirm/*', (request, reply) => showPrompt(web, service, request, reply));
  app.post('/subscribe/confirm/*', (request, reply) => confirm(web, service, request, reply));
}
