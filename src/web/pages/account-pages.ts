/** Sign-in (by magic link), its confirmation step, and the personal library. */
import { CSRF_FIELD } from '../csrf.js';
import { html, type SafeHtml } from '../html.js';
import { notice, pager, paperCard, type PaperCardModel, type Viewer } from './components.js';
import { plural } from './format.js';

export type LinkProblem = 'expired' | 'used' | 'invalid';

export function renderSignInForm(viewer: Viewer, opts: { next?: string; email?: string; error?: string }): SafeHtml {
  return html`<section class="narrow">
<h1>Sign in</h1>
<p>Enter your email address and we will mail you a link that signs you in — no password. Signed in, you can upvote papers and keep a library.</p>
${opts.error ? notice(opts.error, 'error') : ''}
<form class="stack" method="post" action="/sign-in">
<input type="hidden" name="${CSRF_FIELD}" value="${viewer.csrfToken}">
${opts.next ? html`<input type="hidden" name="next" value="${opts.next}">` : ''}
<label for="sign-in-email">Email</label>
<input id="sign-in-email" type="email" name="email" required autocomplete="email" value="${opts.email ?? ''}" placeholder="you@example.org">
<button type="submit" class="primary">Email me a sign-in link</button>
</form>
</section>`;
}

export function renderSignInSent(email: string): SafeHtml {
  return html`<section class="narrow">
<h1>Check your inbox</h1>
${notice(html`We sent a sign-in link to <strong>${email}</strong>. It works once, within 15 minutes.`)}
<p>Nothing there? Look in the spam folder, or <a href="/sign-in">ask for another link</a>.</p>
</section>`;
}

/** The page a mailed link opens: signing in takes a button press, so a link scanner's GET changes nothing. */
export function renderConfirmSignIn(viewer: Viewer, token: string, next: string | undefined, email: string): SafeHtml {
  return html`<section class="narrow">
<h1>Sign in to Paperboy</h1>
<p>You are signing in as <strong>${email}</strong>.</p>
<form class="stack" method="post" action="/sign-in/confirm">
<input type="hidden" name="${CSRF_FIELD}" value="${viewer.csrfToken}">
<input type="hidden" name="token" value="${token}">
${next ? html`<input type="hidden" name="next" value="${next}">` : ''}
<button type="submit" class="primary">Sign in</button>
</form>
</section>`;
}

const PROBLEMS: Record<LinkProblem, string> = {
  expired: 'This sign-in link has expired: links work for 15 minutes.',
  used: 'This sign-in link has already been used: each link works once.',
  invalid: 'This sign-in link is not valid. It may have been cut short when it was copied.',
};

export function renderLinkProblem(problem: LinkProblem): SafeHtml {
  return html`<section class="narrow">
<h1>Cannot sign in with this link</h1>
${notice(PROBLEMS[problem], 'warning')}
<p><a class="button primary" href="/sign-in">Get a new link</a></p>
</section>`;
}

export interface LibraryPageModel {
  email: string;
  cards: PaperCardModel[];
  total: number;
  page: number;
  pageSize: number;
}

export function renderLibraryBody(model: LibraryPageModel, viewer: Viewer): SafeHtml {
  const first = (model.page - 1) * model.pageSize;
  return html`<div class="page-head"><h1>Your library</h1><p>${plural(model.total, 'saved paper')} · signed in as ${model.email}</p></div>
${model.cards.length > 0 ? html`<ol class="cards">${model.cards.map((c) => paperCard(c, viewer))}</ol>` : notice(html`Nothing saved yet. Press <strong>Save</strong> on a paper's page or in a list to keep it here. Start with <a href="/">what is trending</a>.`)}
${pager({ page: model.page, pageSize: model.pageSize, total: model.total, hasNext: first + model.cards.length < model.total, href: (p) => `/library?page=${p}` })}`;
}
