/**
 * Accounts: sign in by magic link (request, confirm, sign out), the library,
 * and the per-paper actions of signed-in readers (upvote, save). Every POST
 * checks the CSRF token; GETs never change anything.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isTokenUsed } from '../../accounts/account-store.js';
import { checkSignInToken, normaliseEmail, redeemSignInToken, sendSignInLink } from '../../accounts/magic-links.js';
import type { WebContext } from '../app.js';
import { loadLibrary } from '../models/library-model.js';
import { setSaved, setVote } from '../models/paper-actions.js';
import { pageContext, sendPage, wantsJson } from '../page-reply.js';
import { renderConfirmSignIn, renderLibraryBody, renderLinkProblem, renderSignInForm, renderSignInSent } from '../pages/account-pages.js';
import { paperPath } from '../pages/format.js';
import { safeNextPath } from '../safe-redirect.js';
import { currentUser, SESSION_COOKIE, setSessionCookie, signOut } from '../web-session.js';
import { sendErrorPage, sendNotFoundPage } from './page-routes.js';

const Body = z.record(z.string(), z.unknown());
const ConfirmQuery = z.object({ token: z.string().max(2048).default(''), next: z.string().optional() });
const PageQuery = z.object({ page: z.coerce.number().int().min(1).max(10_000).default(1) });
const ActionParams = z.object({ id: z.string().min(1).max(200) });
const VoteBody = z.object({ vote: z.enum(['0', '1']).default('1'), next: z.string().optional() });
const SaveBody = z.object({ save: z.enum(['0', '1']).default('1'), next: z.string().optional() });

function body(request: FastifyRequest): Record<string, unknown> {
  const parsed = Body.safeParse(request.body);
  return parsed.success ? parsed.data : {};
}

/**
 * The answer to a state-changing request without this browser's CSRF token.
 * Callers check `web.csrf.verify` themselves and return this at once: a reply
 * is thenable, so a helper returning "reply or nothing" could not be awaited.
 */
function refuseForgery(web: WebContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> | FastifyReply {
  if (wantsJson(request)) return reply.code(403).send({ error: { code: 'forbidden', message: 'missing or invalid CSRF token; reload the page' } });
  return sendErrorPage(web, request, reply, 403, 'The form expired.');
}

function registerSignIn(app: FastifyInstance, web: WebContext): void {
  app.get('/sign-in', async (request, reply) => {
    const next = safeNextPath((request.query as Record<string, unknown>).next);
    const ctx = await pageContext(web, request, reply);
    if (ctx.user) return reply.redirect(next ?? '/', 303);
    return sendPage(reply, ctx, renderSignInForm(ctx.viewer, { next }), { title: 'Sign in', active: 'sign-in' });
  });

  const perAddress = app.createRateLimit({
    max: web.limits.signInPerAddress,
    timeWindow: web.limits.signInWindowMs,
    keyGenerator: (request) => `sign-in-address:${normaliseEmail(body(request).email) ?? ''}`,
  });
  app.post('/sign-in', { config: { rateLimit: { max: web.limits.signInPerIp, timeWindow: web.limits.signInWindowMs } } }, async (request, reply) => {
    if (!web.csrf.verify(request)) return refuseForgery(web, request, reply);
    const fields = body(request);
    const next = safeNextPath(fields.next);
    const email = normaliseEmail(fields.email);
    const ctx = await pageContext(web, request, reply);
    if (!email) {
      const typed = typeof fields.email === 'string' ? fields.email.slice(0, 254) : '';
      return sendPage(reply, ctx, renderSignInForm(ctx.viewer, { next, email: typed, error: 'Please enter a valid email address.' }), { title: 'Sign in', active: 'sign-in', status: 400 });
    }
    // Per address as well as per IP: nobody gets to flood someone's inbox through us.
    const limit = await perAddress(request);
    if (!limit.isAllowed && limit.isExceeded) return sendErrorPage(web, request, reply, 429, 'Too many sign-in links for this address.');
    const outcome = await sendSignInLink(web, email, next);
    if (outcome.status !== 'sent') {
      request.log.warn({ outcome }, 'sign-in mail not sent');
      return sendPage(reply, ctx, renderSignInForm(ctx.viewer, { next, email, error: 'We could not send the mail just now. Please try again in a few minutes.' }), { title: 'Sign in', active: 'sign-in', status: 503 });
    }
    return sendPage(reply, ctx, renderSignInSent(email), { title: 'Check your inbox', active: 'sign-in' });
  });

  app.get('/sign-in/confirm', async (request, reply) => {
    const query = ConfirmQuery.safeParse(request.query);
    const ctx = await pageContext(web, request, reply);
    const check = query.success ? checkSignInToken(web.tokens, query.data.token) : undefined;
    if (!check?.ok) {
      return sendPage(reply, ctx, renderLinkProblem(check?.reason === 'expired' ? 'expired' : 'invalid'), { title: 'Sign-in link', status: 400 });
    }
    if (await isTokenUsed(web.database.db, check.claims.jti)) return sendPage(reply, ctx, renderLinkProblem('used'), { title: 'Sign-in link', status: 400 });
    const next = safeNextPath(query.data?.next);
    return sendPage(reply, ctx, renderConfirmSignIn(ctx.viewer, query.data!.token, next, check.claims.sub), { title: 'Sign in', active: 'sign-in' });
  });

  app.post('/sign-in/confirm', async (request, reply) => {
    if (!web.csrf.verify(request)) return refuseForgery(web, request, reply);
    const fields = body(request);
    const result = await redeemSignInToken(web.database.db, web.tokens, typeof fields.token === 'string' ? fields.token : '');
    if (!result.ok) {
      const ctx = await pageContext(web, request, reply);
      const problem = result.reason === 'used' || result.reason === 'expired' ? result.reason : 'invalid';
      return sendPage(reply, ctx, renderLinkProblem(problem), { title: 'Sign-in link', status: 400 });
    }
    setSessionCookie(web, reply, result.session);
    return reply.redirect(safeNextPath(fields.next) ?? '/', 303);
  });

  app.post('/sign-out', async (request, reply) => {
    if (!web.csrf.verify(request)) return refuseForgery(web, request, reply);
    await signOut(web, request, reply);
    return reply.redirect('/', 303);
  });
}

function registerLibrary(app: FastifyInstance, web: WebContext): void {
  app.get('/library', async (request, reply) => {
    const query = PageQuery.safeParse(request.query);
    const ctx = await pageContext(web, request, reply);
    if (!ctx.user) return reply.redirect(`/sign-in?next=${encodeURIComponent('/library')}`, 303);
    const model = await loadLibrary(web, ctx.user, query.success ? query.data.page : 1);
    return sendPage(reply, ctx, renderLibraryBody(model, ctx.viewer), { title: 'Your library', active: 'library' });
  });
}

type Action = 'vote' | 'save';

/** Upvote and save share their shape: CSRF, a signed-in user, the paper, JSON for fetch() or a redirect back. */
function registerPaperAction(app: FastifyInstance, web: WebContext, action: Action): void {
  // Per reader, not per IP: many readers may share one address (a campus, a company).
  const limit = { max: web.limits.actionsPerMinute, timeWindow: 60_000, keyGenerator: (request: FastifyRequest) => request.cookies[SESSION_COOKIE] ?? request.ip };
  app.post(`/papers/:id/${action}`, { config: { rateLimit: limit } }, async (request, reply) => {
    if (!web.csrf.verify(request)) return refuseForgery(web, request, reply);
    const params = ActionParams.safeParse(request.params);
    const fields = action === 'vote' ? VoteBody.safeParse(request.body) : SaveBody.safeParse(request.body);
    if (!params.success || !fields.success) return sendErrorPage(web, request, reply, 400, 'That request was not understood.');
    const user = await currentUser(web, request);
    const back = safeNextPath(fields.data.next) ?? paperPath(params.data.id);
    if (!user) {
      if (wantsJson(request)) return reply.code(401).send({ error: { code: 'unauthorized', message: 'sign in to do this' } });
      return reply.redirect(`/sign-in?next=${encodeURIComponent(back)}`, 303);
    }
    const on = ('vote' in fields.data ? fields.data.vote : fields.data.save) === '1';
    const result = action === 'vote' ? await setVote(web, user.id, params.data.id, on) : await setSaved(web, user.id, params.data.id, on);
    if (!result) {
      if (wantsJson(request)) return reply.code(404).send({ error: { code: 'not_found', message: 'no such paper' } });
      return sendNotFoundPage(web, request, reply);
    }
    if (wantsJson(request)) return reply.header('cache-control', 'no-store').send(result);
    return reply.redirect(back, 303);
  });
}

export function registerAccountRoutes(app: FastifyInstance, web: WebContext): void {
  registerSignIn(app, web);
  registerLibrary(app, web);
  registerPaperAction(app, web, 'vote');
  registerPaperAction(app, web, 'save');
}
