/** Error pages that help: what went wrong in plain words, and where to go from here. */
import { html, type SafeHtml } from '../html.js';

export function renderNotFoundBody(path: string): SafeHtml {
  const paperId = /^\/papers\/(.+)$/.exec(path)?.[1];
  return html`<section class="error-page">
<h1>${paperId ? 'We do not know this paper' : 'Page not found'}</h1>
<p>${paperId ? html`There is no paper with the id <code>${decodeSafely(paperId)}</code> in this catalogue.` : html`Nothing lives at <code>${path}</code>.`}</p>
<ul class="hint-list">
<li>Paper ids are arXiv ids without a version, like <code>2401.01234</code> or <code>hep-th/9901001</code>.</li>
<li>Search by title, author or topic:</li>
</ul>
<form class="search-form" role="search" method="get" action="/search">
<label class="visually-hidden" for="nf-q">Search papers</label>
<input id="nf-q" type="search" name="q" value="${paperId ? decodeSafely(paperId) : ''}" maxlength="1000">
<button type="submit" class="primary">Search</button>
</form>
<p><a href="/">See what is trending</a></p>
</section>`;
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function renderErrorBody(status: number, message: string): SafeHtml {
  const title = status === 429 ? 'Too many requests' : status === 403 ? 'Not allowed' : status >= 500 ? 'Something went wrong' : 'That did not work';
  const advice =
    status === 429
      ? 'Please wait a few minutes before trying again.'
      : status === 403
        ? 'The form may have expired. Go back, reload the page and try again.'
        : status >= 500
          ? 'The problem is on our side. Please try again in a moment.'
          : message;
  return html`<section class="error-page">
<h1>${title}</h1>
<p>${advice}</p>
<p><a href="/">Back to trending papers</a></p>
</section>`;
}
