/**
 * A paper's page: everything we know about it, links out, its upvote and
 * save buttons, BibTeX, its recent activity, and similar papers. Every piece
 * of paper text is escaped by the template; TeX is shown as typed.
 */
import type { Paper } from '../../catalogue/paper.js';
import type { SearchResultItem } from '../../search/search-service.js';
import { html, type SafeHtml } from '../html.js';
import type { PaperHistory } from '../models/paper-history-store.js';
import { activityChart } from './activity-chart.js';
import { codeLink, saveButton, voteButton, type Viewer } from './components.js';
import { formatAuthors, formatDate, paperPath, safeHttpUrl } from './format.js';

export interface PaperPageModel {
  paper: Paper;
  votes: number;
  voted: boolean;
  saved: boolean;
  stars?: number;
  history: PaperHistory;
  /** Undefined when not computed yet: the page links to them instead. */
  similar: SearchResultItem[] | undefined;
  bibtex: string;
  asOf: Date;
}

function fact(label: string, value: SafeHtml | string | null | undefined): SafeHtml {
  return value ? html`<dt>${label}</dt><dd>${value}</dd>` : html``;
}

function categoryLinks(categories: string[]): SafeHtml | undefined {
  if (categories.length === 0) return undefined;
  return html`${categories.map((c) => html`<a class="chip" href="/search?q=${encodeURIComponent(`cat:${c}`)}">${c}</a> `)}`;
}

function authorLinks(authors: string[]): SafeHtml {
  if (authors.length === 0) return html`<p class="paper-authors meta">Authors unknown</p>`;
  return html`<p class="paper-authors">${authors.map((a, i) => html`${i > 0 ? ', ' : ''}<a href="/search?q=${encodeURIComponent(`author:"${a.replace(/"/g, '')}"`)}">${a}</a>`)}</p>`;
}

function facts(paper: Paper): SafeHtml {
  const doiUrl = paper.doi ? `https://doi.org/${paper.doi.split('/').map(encodeURIComponent).join('/')}` : undefined;
  return html`<dl class="facts">
${fact('Published', paper.publishedAt ? html`<time datetime="${paper.publishedAt}">${formatDate(paper.publishedAt)}</time>` : null)}
${fact('Updated', paper.updatedAt && paper.updatedAt !== paper.publishedAt ? html`<time datetime="${paper.updatedAt}">${formatDate(paper.updatedAt)}</time>` : null)}
${fact('arXiv', paper.arxivId ? `${paper.arxivId}${paper.version ? `v${paper.version}` : ''}` : null)}
${fact('Categories', categoryLinks(paper.categories))}
${fact('Journal', paper.journalRef)}
${fact('DOI', doiUrl ? html`<a href="${doiUrl}" rel="noopener">${paper.doi}</a>` : null)}
${fact('Comments', paper.comments)}
</dl>`;
}

function outboundLinks(paper: Paper, stars: number | undefined): SafeHtml {
  const abs = safeHttpUrl(paper.absUrl);
  const pdf = safeHttpUrl(paper.pdfUrl);
  return html`${abs ? html`<a class="button" href="${abs}" rel="noopener">arXiv abstract</a>` : ''}
${pdf ? html`<a class="button" href="${pdf}" rel="noopener">PDF</a>` : ''}
${codeLink(paper, stars)}`;
}

export function similarList(similar: SearchResultItem[]): SafeHtml {
  if (similar.length === 0) return html`<p class="meta">No similar papers found yet.</p>`;
  return html`<ol class="similar">${similar.map(
    (s) => html`<li><a href="${paperPath(s.id)}">${s.title}</a><p class="meta">${formatAuthors(s.authors, 3)}${s.published ? html` · ${formatDate(s.published)}` : ''}</p></li>`,
  )}</ol>`;
}

export function similarPath(id: string): string {
  return `/similar/${id.split('/').map(encodeURIComponent).join('/')}`;
}

/** The similar-papers page (`/similar/:id`), also served bare as the fragment the script inlines. */
export function renderSimilarBody(paper: Paper, similar: SearchResultItem[]): SafeHtml {
  return html`<section class="panel" aria-labelledby="similar-title">
<h1 id="similar-title">Papers similar to <a href="${paperPath(paper.id)}">${paper.title}</a></h1>
${similarList(similar)}
</section>`;
}

export function renderPaperBody(model: PaperPageModel, viewer: Viewer): SafeHtml {
  const { paper } = model;
  return html`<article class="paper-layout" aria-labelledby="paper-title">
<header class="paper-head">
<h1 id="paper-title">${paper.title}</h1>
${authorLinks(paper.authors)}
${facts(paper)}
<div class="paper-actions">
${voteButton(paper, model.votes, model.voted, viewer)}
${saveButton(paper, model.saved, viewer)}
${outboundLinks(paper, model.stars)}
</div>
</header>
<section class="panel" aria-labelledby="abstract-title">
<h2 id="abstract-title">Abstract</h2>
<p class="abstract-full">${paper.abstract ?? 'No abstract is known for this paper.'}</p>
</section>
<section class="panel" aria-labelledby="activity-title">
<h2 id="activity-title">Trending history</h2>
${activityChart(model.history, model.asOf)}
</section>
<section class="panel" aria-labelledby="bibtex-title">
<div class="bibtex-head"><h2 id="bibtex-title">Cite</h2><button type="button" data-copy-target="bibtex" hidden>Copy BibTeX</button></div>
<pre class="bibtex" id="bibtex" tabindex="0" aria-label="BibTeX entry">${model.bibtex}</pre>
</section>
<section class="panel" aria-labelledby="similar-title">
<h2 id="similar-title">Similar papers</h2>
${model.similar ? similarList(model.similar) : html`<div data-load="${similarPath(paper.id)}?partial=1"><p><a href="${similarPath(paper.id)}">Show similar papers</a></p></div>`}
</section>
</article>`;
}
