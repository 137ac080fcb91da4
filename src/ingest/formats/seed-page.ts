/**
 * The scraped "trending papers" page our demo corpus comes from: a title line
 * followed by an abstract line, under a banner ("Get trending papers in your
 * email inbox…", "Subscribe") that the scrape glued onto the first title.
 */
import { cleanText } from '../../catalogue/identifiers.js';
import type { ParsedItem } from '../../catalogue/paper.js';

const BANNER_LINE = /^get trending papers in your email inbox/i;
const SUBSCRIBE_PREFIX = /^Subscribe(?=\S)/;
// Titles are short; a "title" this long is an abstract whose title line is missing.
const MAX_TITLE_LENGTH = 400;

/** Does the text look like a seed page? (banner, or alternating short/long lines) */
export function looksLikeSeedPage(head: string): boolean {
  const lines = head.split('\n').map((l) => l.trim()).filter(Boolean);
  if (lines.some((l) => BANNER_LINE.test(l))) return true;
  if (lines.length < 2) return false;
  const [title, abstract] = lines;
  return title!.length <= MAX_TITLE_LENGTH && abstract!.length > title!.length && !/^[[{<]/.test(title!);
}

export async function* parseSeedPage(lines: AsyncIterable<string>, origin: string): AsyncGenerator<ParsedItem> {
  let pendingTitle: { text: string; line: number } | undefined;
  let lineNo = 0;
  for await (const raw of lines) {
    lineNo++;
    const text = cleanText(raw.replace(SUBSCRIBE_PREFIX, ''));
    if (!text || BANNER_LINE.test(text) || text === 'Subscribe') continue;
    if (!pendingTitle) {
      if (text.length > MAX_TITLE_LENGTH) {
        yield { kind: 'rejected', where: `${origin}:${lineNo}`, reason: 'expected a title line, found a paragraph (title missing?)' };
        continue;
      }
      pendingTitle = { text, line: lineNo };
      continue;
    }
    const where = `${origin}:${pendingTitle.line}`;
    yield { kind: 'record', where, record: { source: 'seed', title: pendingTitle.text, abstract: text } };
    pendingTitle = undefined;
  }
  if (pendingTitle) {
    yield { kind: 'rejected', where: `${origin}:${pendingTitle.line}`, reason: 'title line without an abstract line (file ends)' };
  }
}
