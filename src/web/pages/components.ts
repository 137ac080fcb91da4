/** Building blocks shared by the list pages: paper cards, vote and save buttons, pagers. */
import type { Paper } from '../../catalogue/paper.js';
import { CSRF_FIELD } from '../csrf.js';
import { html, raw, type SafeHtml } from '../html.js';
import { formatAuthors, formatCount, formatDate, paperActionPath, paperPath, plural, safeHttpUrl, shortUrl } from './format.js';

/** Who is looking, for the parts of a page that differ per visitor. */
export interface Viewer {
  signedIn: boolean;
  csrfToken: string;
  /** This page's path, where actions come back to. */
  currentPath: string;
}

export interface PaperCardModel {
  paper: Paper;
  rank?: number;
  votes: number;
  voted: boolean;
  saved?: boolean;
  /** Latest GitHub star count of the paper's code, when known. */
  stars?: number;
  /** Why it is trending, one line. */
  explanation?: string;
  /** Search snippet: already-escaped HTML with <mark>s, from the search service. */
  snippet?: SafeHtml;
}

export function voteButton(paper: Pick<Paper, 'id' | 'title'>, votes: number, voted: boolean, viewer: Viewer): SafeHtml {
  const label = plural(votes, 'upvote');
  if (!viewer.signedIn) {
    return html`<a class="vote" href="/sign-in?next=${encodeURIComponent(viewer.currentPath)}" title="Sign in to upvote"><span class="vote-arrow" aria-hidden="true">▲</span><span class="vote-count">${formatCount(votes)}</span><span class="visually-hidden"> ${label}. Sign in to upvote</span></a>`;
  }
  return html`<form class="vote-form" method="post" action="${paperActionPath(paper.id, 'vote')}" data-enhance="vote">
<input type="hidden" name="${CSRF_FIELD}" value="${viewer.csrfToken}">
<input type="hidden" name="vote" value="${voted ? '0' : '1'}">
<input type="hidden" name="next" value="${viewer.currentPath}">
<button type="submit" class="vote" aria-pressed="${voted ? 'true' : 'false'}" title="${voted ? 'Remove your upvote' : 'Upvote'}"><span class="vote-arrow" aria-hidden="true">▲</span><span class="vote-count" aria-live="polite">${formatCount(votes)}</span><span class="visually-hidden"> ${label}${voted ? ', upvoted by you' : ''}</span></button>
</form>`;
}

export function saveButton(paper: Pick<Paper, 'id'>, saved: boolean, viewer: Viewer): SafeHtml {
  if (!viewer.signedIn) return html``;
  return html`<form class="save-form" method="post" action="${paperActionPath(paper.id, 'save')}" data-enhance="save">
<input type="hidden" name="${CSRF_FIELD}" value="${viewer.csrfToken}">
<input type="hidden" name="save" value="${saved ? '0' : '1'}">
<input type="hidden" name="next" value="${viewer.currentPath}">
<button type="submit" class="save" aria-pressed="${saved ? 'true' : 'false'}">${saved ? 'Saved' : 'Save'}</button>
</form>`;
}

export function codeLink(paper: Pick<Paper, 'codeUrls'>, stars: number | undefined): SafeHtml {
  const url = safeHttpUrl(paper.codeUrls[0]);
  if (!url) return html``;
  const starText = stars !== undefined ? html` <span class="stars" title="${plural(stars, 'GitHub star')}">★ ${formatCount(stars)}</span>` : '';
  return html`<a class="code-link" href="${url}" rel="noopener nofollow ugc">${shortUrl(url)}</a>${starText}`;
}

function metaLine(paper: Paper): SafeHtml {
  const date = formatDate(paper.publishedAt);
  const category = paper.categories[0];
  return html`<p class="meta">${paper.authors.length > 0 ? html`<span class="authors">${formatAuthors(paper.authors)}</span>` : ''}${date ? html`<span class="date"><time datetime="${paper.publishedAt ?? ''}">${date}</time></span>` : ''}${category ? html`<a class="chip" href="/search?q=${encodeURIComponent(`cat:${category}`)}">${category}</a>` : ''}</p>`;
}

export function paperCard(card: PaperCardModel, viewer: Viewer): SafeHtml {
  const { paper } = card;
  const titleId = `t-${paper.id.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const body = card.snippet
    ? html`<p class="snippet">${card.snippet}</p>`
    : paper.abstract
      ? html`<details class="abstract"><summary>Abstract</summary><p>${paper.abstract}</p></details>`
      : html``;
  return html`<li class="card">
<article aria-labelledby="${titleId}"${card.rank !== undefined ? raw(' class="ranked"') : ''}>
${card.rank !== undefined ? html`<span class="rank" aria-hidden="true">${card.rank}</span>` : ''}
<div class="card-main">
<h2 class="card-title" id="${titleId}"><a href="${paperPath(paper.id)}">${paper.title}</a></h2>
${metaLine(paper)}
${card.explanation ? html`<p class="why"><span class="why-icon" aria-hidden="true">↗</span> ${card.explanation}</p>` : ''}
${body}
<div class="card-actions">${codeLink(paper, card.stars)}${card.saved !== undefined ? saveButton(paper, card.saved, viewer) : ''}</div>
</div>
<div class="card-vote">${voteButton(paper, card.votes, card.voted, viewer)}</div>
</article>
</li>`;
}

/** Previous/next links keeping the page's other parameters. */
export function pager(opts: { page: number; hasNext: boolean; href: (page: number) => string; total?: number; pageSize: number }): SafeHtml {
  const last = opts.total !== undefined ? Math.max(1, Math.ceil(opts.total / opts.pageSize)) : undefined;
  if (opts.page === 1 && !opts.hasNext) return html``;
  return html`<nav class="pager" aria-label="Pages">
${opts.page > 1 ? html`<a rel="prev" href="${opts.href(opts.page - 1)}">← Previous</a>` : html`<span></span>`}
<span class="pager-position">Page ${opts.page}${last !== undefined ? html` of ${last.toLocaleString('en-US')}` : ''}</span>
${opts.hasNext ? html`<a rel="next" href="${opts.href(opts.page + 1)}">Next →</a>` : html`<span></span>`}
</nav>`;
}

export function notice(text: string | SafeHtml, kind: 'info' | 'warning' | 'error' = 'info'): SafeHtml {
  return html`<p class="notice notice-${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</p>`;
}

export { raw };
