/**
 * Identifiers that decide whether two records are the same paper:
 * arXiv ids, DOIs and normalised titles.
 */

// New-style ids (0704.0001, 2401.01234) and old-style (hep-ex/0406020, math.GT/0309136).
const NEW_STYLE = /^(\d{4}\.\d{4,5})(?:v(\d+))?$/;
const OLD_STYLE = /^([a-z-]+(?:\.[A-Z]{2})?\/\d{7})(?:v(\d+))?$/;
const ID_PREFIXES = [
  /^https?:\/\/(?:export\.|www\.)?arxiv\.org\/(?:abs|pdf|api)\//i,
  /^oai:arxiv\.org:/i,
  /^arxiv:/i,
];

export interface ArxivIdentifier {
  id: string;
  version?: number;
}

/** Parses any common spelling of an arXiv id (URL, `oai:` prefix, `arXiv:` prefix, `vN` suffix). */
export function parseArxivId(raw: string | undefined | null): ArxivIdentifier | null {
  if (!raw) return null;
  let text = raw.trim();
  for (const prefix of ID_PREFIXES) text = text.replace(prefix, '');
  text = text.replace(/\.pdf$/i, '');
  const match = NEW_STYLE.exec(text) ?? OLD_STYLE.exec(text);
  if (!match || !match[1]) return null;
  const version = match[2] ? Number(match[2]) : undefined;
  return version === undefined ? { id: match[1] } : { id: match[1], version };
}

/** DOIs are case-insensitive; we keep them lower-cased without a resolver prefix. */
export function normalizeDoi(raw: string | undefined | null): string | undefined {
  if (!raw) return undefined;
  const text = raw
    .trim()
    .replace(/^(?:https?:\/\/)?(?:dx\.)?doi\.org\//i, '')
    .replace(/^doi:\s*/i, '')
    .toLowerCase();
  // Some sources list several DOIs separated by spaces; the first is the paper's.
  const first = text.split(/\s+/)[0] ?? '';
  return /^10\.\d{4,9}\/\S+$/.test(first) ? first : undefined;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * A title reduced to what survives reformatting: case, accents, TeX markup,
 * punctuation and whitespace are dropped. Two records with the same key are
 * the same paper unless their arXiv ids or DOIs say otherwise.
 */
export function titleKey(title: string): string {
  // Most titles are plain ASCII, where NFKD, combining marks and Unicode
  // classes reduce to their ASCII cases: the same key, several times faster.
  if (PRINTABLE_ASCII.test(title)) {
    return title
      .toLowerCase()
      .replace(/\\[a-z]+\s*/g, ' ')
      .replace(/[^a-z0-9]+/g, ' ')
      .trim();
  }
  return title
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/\\[a-z]+\s*/g, ' ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Collapses the line breaks and runs of spaces that arXiv metadata wraps text with. */
export function cleanText(text: string | undefined | null): string | undefined {
  if (text === undefined || text === null) return undefined;
  const cleaned = text.replace(/\s{2,}|[^\S ]/g, ' ').trim();
  return cleaned === '' ? undefined : cleaned;
}
