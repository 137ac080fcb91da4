/**
 * The shapes of a paper as it flows through Paperboy.
 *
 * A `PaperRecord` is what one source says about a paper (one line of a Kaggle
 * dump, one Atom entry, …). The catalogue merges records into one `Paper`.
 * Absent fields are `undefined` in a record and `null` in a stored paper:
 * unknown stays unknown, we never invent dates or authors a source lacks.
 */

export const SOURCE_NAMES = [
  'seed',
  'arxiv-api',
  'arxiv-oai',
  'kaggle',
  'huggingface',
  'arxiv-rss',
] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

/** A numeric observation about a paper, kept for trending (e.g. HF upvotes). */
export interface SignalObservation {
  metric: 'upvotes' | 'github_stars' | 'comments';
  value: number;
}

export interface PaperRecord {
  source: SourceName;
  /** arXiv id without version, e.g. `2401.01234` or `hep-ex/0406020`. */
  arxivId?: string;
  /** arXiv version number (2 for `v2`) when the source states it. */
  version?: number;
  /** Lower-cased DOI without resolver prefix, e.g. `10.1103/physrevd.76.013009`. */
  doi?: string;
  title: string;
  abstract?: string;
  /** Ordered author display names; undefined when the source has none. */
  authors?: string[];
  /** arXiv category codes, primary first. */
  categories?: string[];
  /** ISO 8601 (UTC) timestamps. */
  publishedAt?: string;
  updatedAt?: string;
  journalRef?: string;
  comments?: string;
  absUrl?: string;
  pdfUrl?: string;
  /** Code links stated explicitly by the source (e.g. HF `githubRepo`); more are found in text. */
  codeUrls?: string[];
  signals?: SignalObservation[];
}

export interface Paper {
  /** Public stable id: arXiv id without version, else a generated `pb-…` id. */
  id: string;
  arxivId: string | null;
  version: number | null;
  doi: string | null;
  title: string;
  abstract: string | null;
  authors: string[];
  categories: string[];
  publishedAt: string | null;
  updatedAt: string | null;
  journalRef: string | null;
  comments: string | null;
  absUrl: string | null;
  pdfUrl: string | null;
  codeUrls: string[];
  sources: SourceName[];
  firstSeenAt: string;
  lastSeenAt: string;
}

/** One item a parser yields: a record, or a rejection naming where and why. */
export type ParsedItem =
  | { kind: 'record'; record: PaperRecord; where: string }
  | { kind: 'rejected'; where: string; reason: string };
