/** Recognises a source's format from its first few kilobytes. */
import type { FormatName } from './formats/document.js';
import { looksLikeHfDaily } from './formats/hf-daily.js';
import { looksLikeKaggleSnapshot } from './formats/kaggle-snapshot.js';
import { looksLikeSeedPage } from './formats/seed-page.js';

export const DETECT_HEAD_BYTES = 64 * 1024;

/** The first element's name and the text up to its end, skipping the prolog, comments and doctype. */
function rootElement(head: string): { name: string; openTag: string } | undefined {
  const text = head.replace(/^\uFEFF/, '').replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/g, '').trimStart();
  const m = /^<([A-Za-z_][\w.:-]*)([^>]*)>/.exec(text);
  if (!m) return undefined;
  return { name: m[1]!.replace(/^.*:/, ''), openTag: m[0] };
}

function detectXml(head: string): FormatName | undefined {
  const root = rootElement(head);
  if (!root) return undefined;
  if (root.name === 'OAI-PMH') return 'arxiv-oai';
  if (root.name === 'rss' || root.name === 'RDF') return 'arxiv-rss';
  if (root.name === 'feed') {
    // API responses carry OpenSearch paging; the listing feeds (rss.arxiv.org/atom/…) do not.
    return /opensearch/i.test(head) || /arxiv\.org\/api/i.test(head) ? 'arxiv-atom' : 'arxiv-rss';
  }
  return undefined;
}

export function detectFormat(head: string): FormatName | undefined {
  const text = head.replace(/^\uFEFF/, '');
  const start = text.trimStart();
  if (start.startsWith('<')) return detectXml(start);
  if (start.startsWith('[')) return looksLikeHfDaily(start) ? 'hf-daily' : undefined;
  if (start.startsWith('{')) return looksLikeKaggleSnapshot(start) ? 'kaggle' : undefined;
  // Binary data is not a seed page, whatever its line lengths.
  if (/[\u0000-\u0008\u000E-\u001F]/.test(start.slice(0, 4096))) return undefined;
  return looksLikeSeedPage(start) ? 'seed' : undefined;
}
