/**
 * The frame of every HTML page: header with search, the subscribe box (on
 * every page, as promised), footer. No inline scripts or styles: the
 * Content-Security-Policy forbids them, so behaviour lives in /static/app.js
 * and every page works without it.
 */
import { CSRF_FIELD } from '../csrf.js';
import { html, raw, type SafeHtml } from '../html.js';
import { assetUrl } from '../static-assets.js';

export interface LayoutModel {
  title: string;
  body: SafeHtml;
  csrfToken: string;
  /** Signed-in user's email, when there is one. */
  userEmail?: string;
  /** `<link rel="alternate">` feeds for this page. */
  feeds?: Array<{ title: string; href: string; type: 'application/rss+xml' | 'application/atom+xml' }>;
  /** Prefills the header's search box. */
  searchQuery?: string;
  /** Marks the current section in the navigation. */
  active?: 'trending' | 'search' | 'library' | 'sign-in';
  /** `<meta name="description">`. */
  description?: string;
  /** Where the sign-in link should bring the visitor back to. */
  currentPath?: string;
}

const LOGO = raw(
  '<svg class="logo" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false"><rect x="3" y="5" width="22" height="24" rx="3" class="logo-page"/><path d="M8 12h12M8 17h12M8 22h8" class="logo-lines"/><circle cx="25" cy="8" r="5" class="logo-dot"/></svg>',
);

function navLink(href: string, label: string, current: boolean): SafeHtml {
  return html`<a href="${href}"${current ? raw(' aria-current="page"') : ''}>${label}</a>`;
}

function accountNav(model: LayoutModel): SafeHtml {
  if (!model.userEmail) {
    const next = model.currentPath && model.currentPath !== '/' ? `/sign-in?next=${encodeURIComponent(model.currentPath)}` : '/sign-in';
    return navLink(next, 'Sign in', model.active === 'sign-in');
  }
  return html`${navLink('/library', 'Library', model.active === 'library')}
<form class="sign-out" method="post" action="/sign-out">
  <input type="hidden" name="${CSRF_FIELD}" value="${model.csrfToken}">
  <button type="submit" class="link-button" title="Signed in as ${model.userEmail}">Sign out</button>
</form>`;
}

function subscribeBox(csrfToken: string): SafeHtml {
  return html`<aside class="subscribe" aria-labelledby="subscribe-title">
  <h2 id="subscribe-title">Get trending papers in your email inbox once a day!</h2>
  <p class="subscribe-lede">The day's most discussed papers, with abstracts. One click to unsubscribe.</p>
  <form method="post" action="/subscribe">
    <input type="hidden" name="${CSRF_FIELD}" value="${csrfToken}">
    <label for="subscribe-email">Email</label>
    <input id="subscribe-email" type="email" name="email" required autocomplete="email" placeholder="you@example.org">
    <label for="subscribe-frequency">How often</label>
    <select id="subscribe-frequency" name="frequency"><option value="daily">Daily</option><option value="weekly">Weekly</option></select>
    <input type="hidden" name="timezone" value="" data-fill="timezone">
    <button type="submit" class="primary">Subscribe</button>
  </form>
</aside>`;
}

function header(model: LayoutModel): SafeHtml {
  return html`<header class="site">
<div class="bar">
  <a class="brand" href="/">${LOGO}<span>Paperboy</span></a>
  <form class="site-search" role="search" method="get" action="/search">
    <label class="visually-hidden" for="site-q">Search papers</label>
    <input id="site-q" type="search" name="q" value="${model.searchQuery ?? ''}" placeholder="Search papers, authors, cat:cs.LG…" autocomplete="off" maxlength="1000">
    <button type="submit" class="icon-button" aria-label="Search"><svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true" focusable="false"><circle cx="8.5" cy="8.5" r="5.5" class="stroke"/><path d="M13 13l4.5 4.5" class="stroke"/></svg></button>
  </form>
  <nav class="main-nav" aria-label="Main">
    ${navLink('/', 'Trending', model.active === 'trending')}
    ${navLink('/search', 'Search', model.active === 'search')}
    ${accountNav(model)}
  </nav>
</div>
</header>`;
}

export function renderLayout(model: LayoutModel): string {
  const feeds = (model.feeds ?? []).map((f) => html`<link rel="alternate" type="${f.type}" title="${f.title}" href="${f.href}">`);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${model.title} · Paperboy</title>
${model.description ? html`<meta name="description" content="${model.description}">` : ''}
<link rel="icon" href="${assetUrl('favicon.svg')}" type="image/svg+xml">
<link rel="stylesheet" href="${assetUrl('app.css')}">
${feeds}
<script src="${assetUrl('app.js')}" defer></script>
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
${header(model)}
<div class="page">
<main id="main" tabindex="-1">${model.body}</main>
${subscribeBox(model.csrfToken)}
</div>
<footer class="site">
  <p>Paperboy — open-source, self-hostable paper discovery.</p>
  <p><a href="/feeds/trending.atom?window=week">Trending feed</a> · <a href="/feeds/newest.rss">Newest papers (RSS)</a> · <a href="/api/openapi.json">API</a></p>
</footer>
</body>
</html>`.value;
}

export { raw };
