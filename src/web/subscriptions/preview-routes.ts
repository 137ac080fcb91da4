/**
 * `GET /digest/preview`: the signed-in reader's next digest, exactly as the
 * composer would send it (`?edition=YYYY-MM-DD`, `?format=html|text|json`).
 * In development only, `?subscriber=<email>` previews anyone's, for testing
 * templates without signing in.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { SubscriberDigestComposer } from '../../digest/compose-digest.js';
import { previewDigest } from '../../digest/compose-preview.js';
import { isEditionDate } from '../../digest/edition-key.js';
import type { WebContext } from '../app.js';
import { html } from '../html.js';
import { pageContext, sendPage } from '../page-reply.js';
import { notice } from '../pages/components.js';
import { sendErrorPage } from '../routes/page-routes.js';
import { currentUser } from '../web-session.js';

const Query = z.object({
  edition: z.string().refine(isEditionDate, 'edition must be a date YYYY-MM-DD').optional(),
  format: z.enum(['html', 'text', 'json']).default('html'),
  subscriber: z.string().max(254).optional(),
});

/**
 * The mail's own HTML needs its inline styles, which the site's CSP forbids;
 * this response gets a policy of its own: styles yes, scripts and frames no.
 */
const MAIL_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

function sendDigest(reply: FastifyReply, format: 'html' | 'text' | 'json', digest: { subject: string; html: string; text: string; headers: Record<string, string>; paperIds: string[] }): FastifyReply {
  reply.header('cache-control', 'private, no-store').header('referrer-policy', 'no-referrer');
  if (format === 'json') return reply.send(digest);
  if (format === 'text') return reply.type('text/plain; charset=utf-8').send(`Subject: ${digest.subject}\n\n${digest.text}`);
  return reply.header('content-security-policy', MAIL_CSP).type('text/html; charset=utf-8').send(digest.html);
}

export function registerPreviewRoutes(app: FastifyInstance, web: WebContext, composer: SubscriberDigestComposer): void {
  app.get('/digest/preview', async (request, reply) => {
    const query = Query.safeParse(request.query);
    if (!query.success) return sendErrorPage(web, request, reply, 400, 'The edition must be a date like 2025-03-10, and the format html, text or json.');
    const user = await currentUser(web, request);
    const email = user?.email ?? (web.config.NODE_ENV === 'development' ? query.data.subscriber : undefined);
    if (!email) return reply.redirect(`/sign-in?next=${encodeURIComponent('/digest/preview')}`, 303);
    const preview = await previewDigest(web.database.db, composer, email, query.data.edition, new Date());
    const ctx = await pageContext(web, request, reply);
    if (!preview.found) {
      const body = html`<section class="narrow"><h1>No digest yet</h1>${notice(html`<strong>${email}</strong> is not subscribed. Use the box below to subscribe.`)}</section>`;
      return sendPage(reply, ctx, body, { title: 'Digest preview', status: 404 });
    }
    if (!preview.digest) {
      const body = html`<section class="narrow"><h1>Nothing to send</h1>${notice(`Nothing new for the ${preview.edition.frequency} edition of ${preview.edition.date}: no mail would be sent.${preview.note ? ` (The subscription is ${preview.note}.)` : ''}`)}</section>`;
      return sendPage(reply, ctx, body, { title: 'Digest preview' });
    }
    return sendDigest(reply, query.data.format, preview.digest);
  });
}
