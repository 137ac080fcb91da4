/**
 * The Kaggle "arXiv metadata OAI snapshot": one JSON object per line, several
 * GB in all, so it is parsed line by line and never held whole.
 */
import { z } from 'zod';
import { InvalidDateError, parseSourceDate } from '../../catalogue/dates.js';
import { cleanText, normalizeDoi, parseArxivId } from '../../catalogue/identifiers.js';
import type { ParsedItem, PaperRecord } from '../../catalogue/paper.js';
import { decodeTexAccents } from '../../catalogue/tex-accents.js';

const nullableText = z.string().nullish();

const SnapshotLine = z.object({
  id: z.string(),
  title: z.string(),
  abstract: nullableText,
  authors: nullableText,
  authors_parsed: z.array(z.array(z.string())).nullish(),
  categories: nullableText,
  comments: nullableText,
  'journal-ref': nullableText,
  doi: nullableText,
  versions: z.array(z.object({ version: z.string(), created: z.string() })).nullish(),
  update_date: nullableText,
});
type SnapshotLine = z.infer<typeof SnapshotLine>;

export function looksLikeKaggleSnapshot(head: string): boolean {
  const first = head.split('\n', 1)[0] ?? '';
  return first.trimStart().startsWith('{') && /"id"\s*:/.test(first) && /"(abstract|versions)"\s*:/.test(first);
}

/** "Last, First, Suffix" triples are cleaner than the free-text author string. */
function authorNames(line: SnapshotLine): string[] | undefined {
  if (line.authors_parsed && line.authors_parsed.length > 0) {
    const names = line.authors_parsed
      .map(([last = '', first = '', suffix = '']) => cleanText(decodeTexAccents([first, last, suffix].join(' '))))
      .filter((n): n is string => Boolean(n));
    if (names.length > 0) return names;
  }
  const text = cleanText(line.authors);
  if (!text) return undefined;
  return decodeTexAccents(text)
    .split(/,\s*|\s+and\s+/)
    .map((n) => n.trim())
    .filter(Boolean);
}

function versionNumber(label: string): number | undefined {
  const m = /^v(\d+)$/.exec(label.trim());
  return m ? Number(m[1]) : undefined;
}

export function recordFromSnapshotLine(line: SnapshotLine): PaperRecord {
  const arxiv = parseArxivId(line.id);
  if (!arxiv) throw new Error(`unrecognised arXiv id "${line.id.slice(0, 40)}"`);
  const title = cleanText(line.title);
  if (!title) throw new Error('missing title');
  const versions = (line.versions ?? []).map((v) => ({ n: versionNumber(v.version), at: parseSourceDate(v.created) }));
  const first = versions[0];
  const last = versions[versions.length - 1];
  const categories = cleanText(line.categories)?.split(' ');
  return {
    source: 'kaggle',
    arxivId: arxiv.id,
    version: last?.n ?? arxiv.version,
    doi: normalizeDoi(line.doi),
    title,
    abstract: cleanText(line.abstract),
    authors: authorNames(line),
    categories,
    publishedAt: first?.at,
    updatedAt: versions.length > 1 ? last?.at : undefined,
    journalRef: cleanText(line['journal-ref']),
    comments: cleanText(line.comments),
  };
}

function describe(error: unknown): string {
  if (error instanceof z.ZodError) {
    const issue = error.issues[0];
    return `field "${issue?.path.join('.') || '?'}": ${issue?.message ?? 'invalid'}`;
  }
  if (error instanceof SyntaxError) return `broken JSON (${error.message})`;
  if (error instanceof InvalidDateError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

export function parseSnapshotLine(text: string, where: string): ParsedItem | undefined {
  if (text.trim() === '') return undefined;
  try {
    const line = SnapshotLine.parse(JSON.parse(text));
    return { kind: 'record', where, record: recordFromSnapshotLine(line) };
  } catch (error) {
    return { kind: 'rejected', where, reason: describe(error) };
  }
}

export async function* parseKaggleSnapshot(lines: AsyncIterable<string>, origin: string): AsyncGenerator<ParsedItem> {
  let lineNo = 0;
  for await (const text of lines) {
    lineNo++;
    const item = parseSnapshotLine(text, `${origin}:${lineNo}`);
    if (item) yield item;
  }
}
