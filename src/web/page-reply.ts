/**
 * Sending HTML pages: the layout around a body, with this visitor's CSRF
 * token and account, and headers that keep per-visitor pages out of shared
 * caches.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../accounts/account-store.js';
import type { WebContext } from './app.js';
import type { SafeHtml } from './html.js';
import type { Viewer } from './pages/components.js';
import { renderLayout, type LayoutModel } from './pages/layout.js';
import { currentUser } from './web-session.js';

export interface PageContext {
  user: User | undefined;
  viewer: Viewer;
}

/** Who is asking and the token their forms need. */
export async function pageContext(web: WebContext, request: FastifyRequest, reply: FastifyReply, currentPath = request.url): Promise<PageContext> {
  const user = await currentUser(web, request);
  return { user, viewer: { signedIn: user !== undefined, csrfToken: web.csrf.token(request, reply), currentPath } };
}

export type PageOptions = Omit<LayoutModel, 'csrfToken' | 'userEmail' | 'body'> & { status?: number };

export function sendPage(reply: FastifyReply, context: PageContext, body: SafeHtml, options: PageOptions): FastifyReply {
  const { status = 200, ...layout } = options;
  const page = renderLayout({ ...layout, body, csrfToken: context.viewer.csrfToken, userEmail: context.user?.email, currentPath: layout.currentPath ?? context.viewer.currentPath });
  return reply.code(status).header('cache-control', 'private, no-cache').type('text/html; charset=utf-8').send(page);
}

/** Fetch-enhanced forms ask for JSON; plain forms get a page or a redirect. */
export function wantsJson(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('application/json');
}
