/**
 * Highlighted snippets: the window of the abstract where most query words
 * occur, HTML-escaped, with matches wrapped in <mark>. Built here rather
 * than by FTS5 so that semantic-only hits and typo-corrected words get
 * snippets too, and escaping is under our control.
 */
import { escapeHtml } from '../text/escape-html.js';
import { stem, tokenSpans } from './text/tokenize.js';

const DEFAULT_WINDOW_WORDS = 36;

export interface SnippetTerms {
  /** Stems of the words to highlight (query words and their expansions). */
  stems: ReadonlySet<string>;
}

export function snippetTerms(words: Iterable<string>): SnippetTerms {
  const stems = new Set<string>();
  for (const w of words) stems.add(stem(w));
  return { stems };
}

export function makeSnippet(text: string | null, terms: SnippetTerms, windowWords = DEFAULT_WINDOW_WORDS): string {
  if (!text) return '';
  const spans = tokenSpans(text);
  if (spans.length === 0) return escapeHtml(text.slice(0, 300));
  const hits = spans.map((s) => terms.stems.has(stem(s.word)));
  // Slide a window over the words; the best one holds the most distinct matched stems.
  let bestStart = 0;
  let bestScore = -1;
  for (let start = 0; start < spans.length; start++) {
    const seen = new Set<string>();
    for (let i = start; i < Math.min(spans.length, start + windowWords); i++) if (hits[i]) seen.add(stem(spans[i]!.word));
    if (seen.size > bestScore) {
      bestScore = seen.size;
      bestStart = start;
    }
    if (start + windowWords >= spans.length) break;
  }
  // Start a little before the first match so it reads in context.
  const firstHit = hits.indexOf(true, bestStart);
  let start = firstHit >= 0 && firstHit - bestStart > 6 ? firstHit - 6 : bestStart;
  // A window that would cut only the first few words starts at the beginning instead.
  if (start <= 6) start = 0;
  const end = Math.min(spans.length, start + windowWords);
  let html = start > 0 ? '… ' : '';
  let cursor = start > 0 ? spans[start]!.start : 0;
  for (let i = start; i < end; i++) {
    const span = spans[i]!;
    html += escapeHtml(text.slice(cursor, span.start));
    const word = escapeHtml(text.slice(span.start, span.end));
    html += hits[i] ? `<mark>${word}</mark>` : word;
    cursor = span.end;
  }
  const tail = end < spans.length ? ' …' : escapeHtml(text.slice(cursor));
  return html + tail;
}
