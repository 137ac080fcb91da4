/**
 * The search page: the form, the query language explained, results with
 * highlighted snippets, corrections, one-click filters, and states for
 * nothing typed, nothing found and search failing. Snippets are the only
 * raw HTML: the search service escapes the abstract and adds only <mark>.
 */
import { MAX_CANDIDATES, type SearchResponse, type SearchResultItem } from '../../search/search-service.js';
import { html, raw, type SafeHtml } from '../html.js';
import { codeLink, notice, pager } from './components.js';
import { formatAuthors, formatDate, paperPath, plural } from './format.js';

export const SEARCH_PAGE_SIZE = 20;

export interface SearchPageModel {
  q: string;
  page: number;
  response?: SearchResponse;
  failed?: boolean;
  /** Why it failed, for the log (never shown). */
  error?: unknown;
  /** Filter links to offer: label and the query with the filter applied. */
  filters: Array<{ label: string; q: string }>;
}

export function searchHref(q: string, page = 1): string {
  return `/search?q=${encodeURIComponent(q)}${page > 1 ? `&page=${page}` : ''}`;
}

const SYNTAX: Array<[string, string]> = [
  ['"exact phrase"', 'words in this order'],
  ['-word', 'leave out papers with this word (also -"a phrase")'],
  ['author:hinton', 'by an author; author:"Geoffrey Hinton" for a full name'],
  ['cat:cs.LG', 'in an arXiv category; cat:cs for the whole archive'],
  ['year:2024', 'published that year; year:2020-2023 for a range'],
  ['after:2025-03 before:2025-06', 'published in a date range (inclusive; a year or month stands for all of it)'],
  ['has:code', 'only papers with a code repository'],
  ['sort:newest', 'newest first instead of most relevant'],
];

function syntaxHelp(open: boolean): SafeHtml {
  return html`<details class="syntax"${open ? raw(' open') : ''}><summary>How to search</summary>
<dl>${SYNTAX.map(([example, meaning]) => html`<dt><code>${example}</code></dt><dd>${meaning}</dd>`)}</dl>
<p class="meta">Combine them freely: <a href="${searchHref('diffusion cat:cs.CV has:code year:2024')}"><code>diffusion cat:cs.CV has:code year:2024</code></a>. Small typos are forgiven.</p>
</details>`;
}

function resultItem(item: SearchResultItem): SafeHtml {
  const category = item.categories[0];
  return html`<li class="card"><article>
<div class="card-main">
<h2 class="card-title"><a href="${paperPath(item.id)}">${item.title}</a></h2>
<p class="meta">${item.authors.length > 0 ? html`<span class="authors">${formatAuthors(item.authors)}</span>` : ''}${item.published ? html`<span class="date"><time datetime="${item.published}">${formatDate(item.published)}</time></span>` : ''}${category ? html`<a class="chip" href="${searchHref(`cat:${category}`)}">${category}</a>` : ''}</p>
${item.snippet ? html`<p class="snippet">${raw(item.snippet)}</p>` : ''}
<div class="card-actions">${codeLink(item, undefined)}</div>
</div>
</article></li>`;
}

function corrections(response: SearchResponse): SafeHtml {
  const entries = Object.entries(response.corrections);
  if (entries.length === 0) return html``;
  return html`<p class="corrections">Also searched: ${entries.map(([word, alternatives], i) => html`${i > 0 ? '; ' : ''}<strong>${word}</strong> → ${alternatives.join(', ')}`)}</p>`;
}

function filterLinks(model: SearchPageModel): SafeHtml {
  if (model.filters.length === 0) return html``;
  return html`<nav aria-label="Refine"><ul class="filters">${model.filters.map((f) => html`<li><a class="chip" href="${searchHref(f.q)}">${f.label}</a></li>`)}</ul></nav>`;
}

function emptyState(model: SearchPageModel): SafeHtml {
  return html`<div class="notice notice-warning" role="status">
<p><strong>No papers match “${model.q}”.</strong></p>
<ul class="hint-list">
<li>Fewer words or filters find more: filters like <code>year:</code> or <code>cat:</code> narrow the search.</li>
<li>Check the spelling of names; try a last name alone (<code>author:lecun</code>).</li>
<li>Or browse <a href="/">what is trending</a>.</li>
</ul>
</div>`;
}


/** A total that is a lower bound ("more than 500") does not end the pages: a full page means there may be more. */
function hasNextPage(response: SearchResponse, first: number): boolean {
  const shown = first + response.results.length;
  // Search ranks at most MAX_CANDIDATES results (page-routes.ts allows 50 pages of 20).
  if (response.totalIsLowerBound) return response.results.length === SEARCH_PAGE_SIZE && shown < MAX_CANDIDATES;
  return shown < Math.min(response.total, MAX_CANDIDATES);
}

function results(model: SearchPageModel, response: SearchResponse): SafeHtml {
  const first = (model.page - 1) * SEARCH_PAGE_SIZE;
  const count = response.totalIsLowerBound ? `More than ${response.total.toLocaleString('en-US')} papers` : plural(response.total, 'paper');
  return html`<p class="result-count" role="status">${count} · <a href="/feeds/search.rss?q=${encodeURIComponent(model.q)}">RSS feed of this search</a></p>
${corrections(response)}
${response.warnings.map((w) => notice(w, 'warning'))}
${filterLinks(model)}
${response.results.length > 0 ? html`<ol class="cards">${response.results.map(resultItem)}</ol>` : response.total > 0 ? notice(html`No more results. <a href="${searchHref(model.q)}">Back to the first page</a>.`) : emptyState(model)}
${pager({ page: model.page, pageSize: SEARCH_PAGE_SIZE, hasNext: hasNextPage(response, first), href: (p) => searchHref(model.q, p) })}`;
}

export function renderSearchBody(model: SearchPageModel): SafeHtml {
  const form = html`<form class="search-form" role="search" method="get" action="/search">
<label class="visually-hidden" for="search-q">Search query</label>
<input id="search-q" type="search" name="q" value="${model.q}" maxlength="1000" placeholder="e.g. speculative decoding author:leviathan">
<button type="submit" class="primary">Search</button>
</form>`;
  let content: SafeHtml;
  if (model.failed) content = notice(html`Search failed this time. Try again, or simplify the query (fewer filters, no unusual characters).`, 'error');
  else if (!model.response) content = html`<p>Search titles, abstracts and authors of every paper in the catalogue.</p>`;
  else content = results(model, model.response);
  return html`<div class="page-head"><h1>${model.q ? html`Search: ${model.q}` : 'Search'}</h1></div>
${form}
${syntaxHelp(!model.q)}
${content}`;
}
