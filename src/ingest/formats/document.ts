/**
 * Contracts shared by the format parsers.
 *
 * XML and JSON sources arrive as documents (one API page, one feed, one file):
 * a document parser returns every item of the page at once, or throws
 * `MalformedDocumentError` when the document itself is broken (truncated XML,
 * not the expected root), so that nothing of a broken page is stored.
 * Line formats (seed page, Kaggle JSON Lines) stream item by item instead.
 */
import type { ParsedItem } from '../../catalogue/paper.js';

export const FORMAT_NAMES = ['seed', 'arxiv-atom', 'arxiv-oai', 'kaggle', 'hf-daily', 'arxiv-rss'] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

export class MalformedDocumentError extends Error {
  constructor(
    readonly origin: string,
    readonly detail: string,
  ) {
    super(`${origin}: ${detail}`);
    this.name = 'MalformedDocumentError';
  }
}

export interface DocumentPage {
  items: ParsedItem[];
}

/** arXiv API (Atom) page with its OpenSearch paging figures. */
export interface AtomPage extends DocumentPage {
  totalResults?: number;
  startIndex?: number;
  itemsPerPage?: number;
  /** The API reports errors as a feed with one `Error` entry; its summary goes here. */
  apiError?: string;
}

/** OAI-PMH response page. */
export interface OaiPage extends DocumentPage {
  responseDate?: string;
  /** Non-empty token: more pages follow. Empty or absent: the list is complete. */
  resumptionToken?: string;
  completeListSize?: number;
  /** OAI-PMH protocol error, e.g. `{ code: 'noRecordsMatch', message: '…' }`. */
  error?: { code: string; message: string };
}
