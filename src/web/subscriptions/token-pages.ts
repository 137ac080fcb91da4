/**
 * Routes whose URL carries a signed token (`/unsubscribe/TOKEN`…). The token
 * is taken from a wildcard, not a `:param`: tokens are longer than the
 * router's 100-character limit for named parameters. Such pages are never
 * cached and never sent on as a referrer.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{1,2000}\.[A-Za-z0-9_-]{1,100}$/;

/** The token in the path, if it has a token's shape (anything else is refused before any lookup). */
export function tokenFromPath(request: FastifyRequest): string | undefined {
  const value = (request.params as Record<string, unknown>)['*'];
  return typeof value === 'string' && TOKEN_SHAPE.test(value) ? value : undefined;
}

export function tokenPageHeaders(reply: FastifyReply): void {
  reply.header('referrer-policy', 'no-referrer');
  reply.header('x-robots-tag', 'noindex');
}
