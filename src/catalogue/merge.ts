/**
 * How a record from a source updates the catalogue's paper.
 *
 * The newest version of a paper is authoritative for its descriptive fields;
 * an older or same-version record only fills what we do not know yet. Dates
 * widen (first publication is the earliest seen, last update the latest), and
 * code links and sources accumulate.
 */
import { createHash } from 'node:crypto';
import { extractCodeUrls } from './code-links.js';
import { titleKey } from './identifiers.js';
import { SOURCE_NAMES, type Paper, type PaperRecord } from './paper.js';

export function generatedPaperId(record: Pick<PaperRecord, 'doi' | 'title'>): string {
  const basis = record.doi ? `doi:${record.doi}` : `title:${titleKey(record.title)}`;
  return `pb-${createHash('sha256').update(basis).digest('hex').slice(0, 12)}`;
}

function arxivLinks(arxivId: string): { absUrl: string; pdfUrl: string } {
  return { absUrl: `https://arxiv.org/abs/${arxivId}`, pdfUrl: `https://arxiv.org/pdf/${arxivId}` };
}

function latestDate(...dates: Array<string | null | undefined>): string | null {
  let latest: string | null = null;
  for (const d of dates) if (d && (latest === null || d > latest)) latest = d;
  return latest;
}

function earliestDate(...dates: Array<string | null | undefined>): string | null {
  let earliest: string | null = null;
  for (const d of dates) if (d && (earliest === null || d < earliest)) earliest = d;
  return earliest;
}

function union<T>(first: readonly T[], second: readonly T[]): T[] {
  return [...new Set([...first, ...second])];
}

function sortSources(sources: Paper['sources']): Paper['sources'] {
  return [...new Set(sources)].sort((a, b) => SOURCE_NAMES.indexOf(a) - SOURCE_NAMES.indexOf(b));
}

/**
 * Is the record a later state of the paper than what we store? Versions decide
 * when both are known; otherwise the later update date does.
 */
export function isNewerThan(record: PaperRecord, paper: Paper): boolean {
  if (record.version !== undefined && paper.version !== null) return record.version > paper.version;
  const recordDate = latestDate(record.updatedAt, record.publishedAt);
  const paperDate = latestDate(paper.updatedAt, paper.publishedAt);
  return recordDate !== null && paperDate !== null && recordDate > paperDate;
}

function present<T>(value: T[] | undefined): T[] | undefined {
  return value && value.length > 0 ? value : undefined;
}

export function paperFromRecord(record: PaperRecord, now: string): Paper {
  const links = record.arxivId ? arxivLinks(record.arxivId) : undefined;
  return {
    id: record.arxivId ?? generatedPaperId(record),
    arxivId: record.arxivId ?? null,
    version: record.version ?? null,
    doi: record.doi ?? null,
    title: record.title,
    abstract: record.abstract ?? null,
    authors: record.authors ?? [],
    categories: record.categories ?? [],
    publishedAt: record.publishedAt ?? null,
    updatedAt: record.updatedAt ?? null,
    journalRef: record.journalRef ?? null,
    comments: record.comments ?? null,
    absUrl: links?.absUrl ?? record.absUrl ?? null,
    pdfUrl: links?.pdfUrl ?? record.pdfUrl ?? null,
    codeUrls: union(record.codeUrls ?? [], extractCodeUrls(record.abstract, record.comments)),
    sources: [record.source],
    firstSeenAt: now,
    lastSeenAt: now,
  };
}

/** The paper after applying `record`; `lastSeenAt` moves only when something changed. */
export function mergeRecord(paper: Paper, record: PaperRecord, now: string): Paper {
  const newer = isNewerThan(record, paper);
  // Newer: the record wins where it has a value. Otherwise: it fills gaps only.
  const pick = <T>(mine: T | null, theirs: T | undefined): T | null =>
    newer ? (theirs ?? mine) : (mine ?? theirs ?? null);
  const pickList = <T>(mine: T[], theirs: T[] | undefined): T[] =>
    newer ? (present(theirs) ?? mine) : (present(mine) ?? theirs ?? []);

  const arxivId = paper.arxivId ?? record.arxivId ?? null;
  const links = arxivId ? arxivLinks(arxivId) : undefined;
  const merged: Paper = {
    id: paper.arxivId === null && arxivId !== null ? arxivId : paper.id,
    arxivId,
    version: record.version !== undefined && (paper.version === null || record.version > paper.version) ? record.version : paper.version,
    doi: paper.doi ?? record.doi ?? null,
    title: pick(paper.title, record.title) ?? paper.title,
    abstract: pick(paper.abstract, record.abstract),
    authors: pickList(paper.authors, record.authors),
    categories: pickList(paper.categories, record.categories),
    publishedAt: earliestDate(paper.publishedAt, record.publishedAt),
    updatedAt: latestDate(paper.updatedAt, record.updatedAt),
    journalRef: pick(paper.journalRef, record.journalRef),
    comments: pick(paper.comments, record.comments),
    absUrl: links?.absUrl ?? paper.absUrl ?? record.absUrl ?? null,
    pdfUrl: links?.pdfUrl ?? paper.pdfUrl ?? record.pdfUrl ?? null,
    codeUrls: union(paper.codeUrls, union(record.codeUrls ?? [], extractCodeUrls(record.abstract, record.comments))),
    sources: sortSources([...paper.sources, record.source]),
    firstSeenAt: paper.firstSeenAt,
    lastSeenAt: paper.lastSeenAt,
  };
  return samePaper(merged, paper) ? paper : { ...merged, lastSeenAt: now };
}

/** Equal in every field but `lastSeenAt`, which records when a change was last seen. */
export function samePaper(a: Paper, b: Paper): boolean {
  for (const key of Object.keys(a) as Array<keyof Paper>) {
    if (key === 'lastSeenAt') continue;
    const x = a[key];
    const y = b[key];
    if (x === y) continue;
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  }
  return true;
}
