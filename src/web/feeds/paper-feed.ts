/**
 * RSS 2.0 and Atom 1.0 feeds of paper lists, generated with the `feed`
 * package (which escapes every text field), with absolute links built from
 * PUBLIC_URL.
 */
import { Feed } from 'feed';
import type { Paper } from '../../catalogue/paper.js';
import { escapeHtml } from '../../text/escape-html.js';
import { paperPath } from '../pages/format.js';

export type FeedFormat = 'rss' | 'atom';

export const FEED_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
};

export interface FeedItem {
  paper: Paper;
  /** Plain text or escaped HTML to show instead of the abstract (e.g. a trending line). */
  summary?: string;
}

export interface FeedSpec {
  title: string;
  description: string;
  /** Path of the feed itself, with its query. */
  selfPath: string;
  /** Path of the page that shows the same list. */
  pagePath: string;
  items: FeedItem[];
}

function itemDate(paper: Paper): Date {
  const date = new Date(paper.publishedAt ?? paper.firstSeenAt);
  return Number.isNaN(date.getTime()) ? new Date(0) : date;
}

// XML 1.0 cannot carry most control characters, even escaped; a record holding one must not break the feed.
function xmlSafe(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
}

export function renderFeed(publicUrl: string, spec: FeedSpec, format: FeedFormat): string {
  const dates = spec.items.map((i) => itemDate(i.paper).getTime());
  const feed = new Feed({
    id: `${publicUrl}${spec.selfPath}`,
    title: xmlSafe(spec.title),
    description: xmlSafe(spec.description),
    link: `${publicUrl}${spec.pagePath}`,
    language: 'en',
    updated: dates.length > 0 ? new Date(Math.max(...dates)) : new Date(0),
    generator: 'Paperboy',
    feedLinks: { [format]: `${publicUrl}${spec.selfPath}` },
    copyright: 'Metadata as published by the papers’ sources',
  });
  for (const { paper, summary } of spec.items) {
    const url = `${publicUrl}${paperPath(paper.id)}`;
    const abstract = paper.abstract ?? '';
    feed.addItem({
      title: xmlSafe(paper.title),
      id: url,
      link: url,
      date: itemDate(paper),
      // Feed readers render descriptions as HTML: paper text must arrive as text, never as markup.
      description: xmlSafe(escapeHtml(summary ? `${summary} — ${abstract}` : abstract)),
      author: paper.authors.slice(0, 20).map((name) => ({ name: xmlSafe(name) })),
      category: paper.categories.map((c) => ({ name: c, term: c })),
    });
  }
  return format === 'rss' ? feed.rss2() : feed.atom1();
}
