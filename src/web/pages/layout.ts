/**
 * The frame of every HTML page: header, the subscribe box (on every page, as
 * promised), footer. No inline scripts: the Content-Security-Policy forbids them.
 */
import { html, raw, type SafeHtml } from '../html.js';
import { CSRF_FIELD } from '../csrf.js';

export interface LayoutModel {
  title: string;
  body: SafeHtml;
  csrfToken: string;
  /** Signed-in user's email, when there is one. */
  userEmail?: string;
  /** `<link rel="alternate">` feeds for this page. */
  feeds?: Array<{ title: string; href: string; type: 'application/rss+xml' | 'application/atom+xml' }>;
}

function subscribeBox(csrfToken: string): SafeHtml {
  return html`<aside class="subscribe" aria-labelledby="subscribe-title">
  <h2 id="subscribe-title">Get trending papers in your email inbox once a day!</h2>
  <form method="post" action="/subscribe">
    <input type="hidden" name="${CSRF_FIELD}" value="${csrfToken}">
    <label for="subscribe-email">Email</label>
    <input id="subscribe-email" type="email" name="email" required autocomplete="email" placeholder="you@example.org">
    <label for="subscribe-frequency">How often</label>
    <select id="subscribe-frequency" name="frequency"><option value="daily">Daily</option><option value="weekly">Weekly</option></select>
    <input type="hidden" name="timezone" value="" data-fill="timezone">
    <button type="submit">Subscribe</button>
  </form>
</aside>`;
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
<link rel="stylesheet" href="/static/app.css">
${feeds}
</head>
<body>
<header class="site"><a class="brand" href="/">Paperboy</a>
<nav><a href="/">Trending</a> <a href="/search">Search</a> ${model.userEmail ? html`<a href="/library">Library</a>` : html`<a href="/sign-in">Sign in</a>`}</nav>
</header>
<main>${model.body}</main>
${subscribeBox(model.csrfToken)}
<footer class="site"><p>Paperboy — open-source, self-hostable paper discovery.</p></footer>
<script src="/static/app.js" defer></script>
</body>
</html>`.value;
}

export { raw };
