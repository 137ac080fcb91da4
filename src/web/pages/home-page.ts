/** The home page: newest papers, until trending lands. */
import type { Paper } from '../../catalogue/paper.js';
import { html, type SafeHtml } from '../html.js';

export interface HomePageModel {
  papers: Paper[];
  total: number;
  page: number;
  pageSize: number;
}

function paperItem(paper: Paper): SafeHtml {
  const authors = paper.authors.length > 0 ? paper.authors.slice(0, 8).join(', ') + (paper.authors.length > 8 ? ', et al.' : '') : '';
  const date = paper.publishedAt ? paper.publishedAt.slice(0, 10) : '';
  const code = paper.codeUrls[0];
  return html`<li class="paper">
  <h2>${paper.absUrl ? html`<a href="${paper.absUrl}" rel="noopener">${paper.title}</a>` : paper.title}</h2>
  <p class="meta">${authors}${authors && date ? ' · ' : ''}${date}${code ? html` · <a href="${code}" rel="noopener nofollow">code</a>` : ''}</p>
  <details><summary>Abstract</summary><p>${paper.abstract ?? 'No abstract.'}</p></details>
</li>`;
}

function pager(model: HomePageModel): SafeHtml {
  const last = Math.max(1, Math.ceil(model.total / model.pageSize));
  const prev = model.page > 1 ? html`<a rel="prev" href="/?page=${model.page - 1}">← Newer</a>` : '';
  const next = model.page < last ? html`<a rel="next" href="/?page=${model.page + 1}">Older →</a>` : '';
  return html`<nav class="pager">${prev} <span>Page ${model.page} of ${last}</span> ${next}</nav>`;
}

export function renderHomePage(model: HomePageModel): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Paperboy — newest papers</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:50rem;margin:0 auto;padding:1rem}
.paper{margin:0 0 1.25rem;list-style:none}.paper h2{font-size:1.1rem;margin:0}
.meta{color:GrayText;margin:.2rem 0;font-size:.9rem}ol{padding:0}.pager{display:flex;gap:1rem;justify-content:center}
</style>
</head>
<body>
<header><h1>Paperboy</h1><p>${model.total} papers in the catalogue, newest first.</p></header>
<main><ol>${model.papers.map(paperItem)}</ol>${pager(model)}</main>
</body>
</html>`.value;
}
