/**
 * CSRF protection for HTML forms that change state (subscribe, sign in,
 * upvote, preferences, unsubscribe page button), visitors included: a random
 * per-browser secret in an httpOnly SameSite cookie, and in each form a
 * token that is an HMAC of that secret. A cross-site page can neither read
 * the cookie nor compute the token. (RFC 8058 one-click unsubscribe POSTs
 * come from mail providers without cookies; they are authorised by their
 * signed URL instead and do not go through this check.)
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const CSRF_COOKIE = 'pb_csrf';
export const CSRF_FIELD = '_csrf';

export class CsrfProtection {
  constructor(
    private readonly secret: string,
    private readonly secureCookies: boolean,
  ) {}

  private tokenFor(browserSecret: string): string {
    return createHmac('sha256', this.secret).update(`csrf:${browserSecret}`).digest('base64url');
  }

  /** The token to embed in forms, setting the browser secret cookie when the visitor has none. */
  token(request: FastifyRequest, reply: FastifyReply): string {
    let browserSecret = request.cookies[CSRF_COOKIE];
    if (!browserSecret || !/^[A-Za-z0-9_-]{20,64}$/.test(browserSecret)) {
      browserSecret = randomBytes(24).toString('base64url');
      reply.setCookie(CSRF_COOKIE, browserSecret, { path: '/', httpOnly: true, sameSite: 'lax', secure: this.secureCookies, maxAge: 60 * 60 * 24 * 365 });
      // Later forms on this response's page must agree with the cookie just set.
      request.cookies[CSRF_COOKIE] = browserSecret;
    }
    return this.tokenFor(browserSecret);
  }

  /** True when the submitted form token matches this browser's secret. */
  verify(request: FastifyRequest): boolean {
    const browserSecret = request.cookies[CSRF_COOKIE];
    const body = request.body as Record<string, unknown> | undefined;
    const submitted = typeof body?.[CSRF_FIELD] === 'string' ? (body[CSRF_FIELD] as string) : request.headers['x-csrf-token'];
    if (!browserSecret || typeof submitted !== 'string') return false;
    const expected = Buffer.from(this.tokenFor(browserSecret));
    const given = Buffer.from(submitted);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
