/**
 * `POST /subscribe` (the box on every page) and `POST /api/subscriptions`
 * (JSON). Both answer identically whatever the address's state — new,
 * pending, confirmed or unsubscribed — so nobody can learn who subscribes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RequestLimiter } from '../../subscribers/rate-limiter.js';
import { SubscribeApiSchema, SubscribeFormSchema } from '../../subscribers/subscribe-request.js';
import type { SubscriptionService } from '../../subscribers/subscription-service.js';
import { describeZodError, sendApiError } from '../api/api-errors.js';
import type { WebContext } from '../app.js';
import { pageContext, sendPage } from '../page-reply.js';
import { sendErrorPage } from '../routes/page-routes.js';
import { renderCheckInbox, renderSubscribeForm } from './subscription-pages.js';

export interface SubscribeRouteDeps {
  service: SubscriptionService;
  limiter: RequestLimiter;
}

const ACCEPTED = {
  status: 'accepted',
  message: 'If this address can receive mail, a confirmation link is on its way. Nothing else is sent until it is confirmed.',
} as const;

/** A JSON body proves the request did not come from a cross-site HTML form, which cannot send this content type. */
function isJson(request: FastifyRequest): boolean {
  return /^application\/json\s*(;|$)/i.test(request.headers['content-type'] ?? '');
}

function typedEmail(body: unknown): string {
  const email = (body as Record<string, unknown> | undefined)?.email;
  return typeof email === 'string' ? email.slice(0, 254) : '';
}

async function subscribeForm(web: WebContext, deps: SubscribeRouteDeps, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  if (!web.csrf.verify(request)) return sendErrorPage(web, request, reply, 403, 'The form expired.');
  if (!(await deps.limiter.take(request.ip))) return sendErrorPage(web, request, reply, 429, 'Too many subscribe requests.');
  const parsed = SubscribeFormSchema.safeParse(request.body ?? {});
  if (!parsed.success) {
    const ctx = await pageContext(web, request, reply);
    const body = renderSubscribeForm(ctx.viewer.csrfToken, 'Please enter a valid email address.', typedEmail(request.body));
    return sendPage(reply, ctx, body, { title: 'Subscribe', status: 400 });
  }
  await deps.service.request(parsed.data);
  // Post/Redirect/Get: reloading the answer page does not submit again.
  return reply.redirect('/subscribe/sent', 303);
}

export function registerSubscribeRoutes(app: FastifyInstance, web: WebContext, deps: SubscribeRouteDeps): void {
  app.get('/subscribe', async (request, reply) => {
    const ctx = await pageContext(web, request, reply);
    return sendPage(reply, ctx, renderSubscribeForm(ctx.viewer.csrfToken), { title: 'Subscribe' });
  });

  app.post('/subscribe', (request, reply) => subscribeForm(web, deps, request, reply));

  app.get('/subscribe/sent', async (request, reply) => {
    const ctx = await pageContext(web, request, reply);
    return sendPage(reply, ctx, renderCheckInbox(), { title: 'Check your inbox' });
  });

  app.post('/api/subscriptions', async (request, reply) => {
    if (!isJson(request)) return sendApiError(reply, 415, 'bad_request', 'send the subscription as JSON (Content-Type: application/json)');
    if (!(await deps.limiter.take(request.ip))) return sendApiError(reply, 429, 'rate_limited', 'too many subscribe requests from this address; try again later');
    const parsed = SubscribeApiSchema.safeParse(request.body ?? {});
    if (!parsed.success) return sendApiError(reply, 400, 'bad_request', describeZodError(parsed.error));
    await deps.service.request(parsed.data);
    return reply.code(202).header('cache-control', 'no-store').send(ACCEPTED);
  });
}
