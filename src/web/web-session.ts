/**
 * The session cookie and the signed-in user of a request. The cookie is
 * httpOnly (scripts cannot read it), SameSite=Lax (not sent on cross-site
 * POSTs) and Secure behind HTTPS; it holds a random token whose hash names
 * the server-side session.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../accounts/account-store.js';
import { endSession, SESSION_TTL_SECONDS, userForSession, type NewSession } from '../accounts/sessions.js';
import type { WebContext } from './app.js';

export const SESSION_COOKIE = 'pb_session';

const resolved = new WeakMap<FastifyRequest, Promise<User | undefined>>();

/** The signed-in user, looked up once per request; visitors without a cookie cost no query. */
export function currentUser(web: WebContext, request: FastifyRequest): Promise<User | undefined> {
  let user = resolved.get(request);
  if (!user) {
    user = userForSession(web.database.db, request.cookies[SESSION_COOKIE], new Date());
    resolved.set(request, user);
  }
  return user;
}

export function setSessionCookie(web: WebContext, reply: FastifyReply, session: NewSession): void {
  reply.setCookie(SESSION_COOKIE, session.token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: web.https,
    maxAge: SESSION_TTL_SECONDS,
    expires: session.expiresAt,
  });
}

export async function signOut(web: WebContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  await endSession(web.database.db, request.cookies[SESSION_COOKIE]);
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: web.https });
}
