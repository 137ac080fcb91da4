/**
 * JSON API errors: `{ "error": { "code", "message" } }` with a stable code
 * and the matching HTTP status, whatever went wrong.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodError } from 'zod';

export type ApiErrorCode = 'bad_request' | 'not_found' | 'rate_limited' | 'internal';

export function sendApiError(reply: FastifyReply, status: number, code: ApiErrorCode, message: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send({ error: { code, message } });
}

export function describeZodError(error: ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ');
}

/** Renders an error as an HTML page (the site's error pages), for requests outside /api. */
export type HtmlErrorRenderer = (request: FastifyRequest, reply: FastifyReply, status: number, message: string) => Promise<FastifyReply> | FastifyReply;

/** Errors thrown inside /api routes become JSON; elsewhere an HTML page when a renderer is given, else plain text. */
export function registerApiErrorHandler(app: FastifyInstance, renderHtml?: HtmlErrorRenderer): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error(error);
    const code: ApiErrorCode = status === 404 ? 'not_found' : status === 429 ? 'rate_limited' : status < 500 ? 'bad_request' : 'internal';
    const message = status < 500 ? error.message : 'internal error';
    if (request.url.startsWith('/api/')) return sendApiError(reply, status, code, message);
    if (renderHtml) return renderHtml(request, reply, status, message);
    return reply.code(status).type('text/plain; charset=utf-8').send(message);
  });
}
