/**
 * The harvest sources an operator lists in SYNC_SOURCES, e.g.
 * `oai:cs, oai:physics:hep-ex, api:cat:cs.LG, hf-daily, rss:cs.LG+cs.AI`.
 * Each knows how to build the request for a date range or a day.
 */
import type { Config } from '../../config/config.js';
import type { FormatName } from '../formats/document.js';

export type SyncSource =
  | { key: string; kind: 'oai'; set: string; metadataPrefix: 'arXiv' | 'arXivRaw' | 'oai_dc' }
  | { key: string; kind: 'api'; query: string }
  | { key: string; kind: 'hf-daily' }
  | { key: string; kind: 'rss'; categories: string };

export const SOURCE_FORMAT: Record<SyncSource['kind'], FormatName> = {
  oai: 'arxiv-oai',
  api: 'arxiv-atom',
  'hf-daily': 'hf-daily',
  rss: 'arxiv-rss',
};

const OAI_PREFIXES = ['arXiv', 'arXivRaw', 'oai_dc'] as const;

export class SyncSourceError extends Error {}

function parseOne(spec: string): SyncSource {
  const [kind, ...rest] = spec.split(':');
  const arg = rest.join(':');
  switch (kind) {
    case 'oai': {
      // `oai:cs` or `oai:physics:hep-ex@arXivRaw`
      const [set, prefix = 'arXiv'] = arg.split('@');
      if (!set) throw new SyncSourceError(`"${spec}": oai needs a set, e.g. oai:cs`);
      if (!OAI_PREFIXES.includes(prefix as never)) throw new SyncSourceError(`"${spec}": metadata format must be one of ${OAI_PREFIXES.join(', ')}`);
      return { key: `oai:${set}@${prefix}`, kind: 'oai', set, metadataPrefix: prefix as (typeof OAI_PREFIXES)[number] };
    }
    case 'api':
      if (!arg) throw new SyncSourceError(`"${spec}": api needs a search query, e.g. api:cat:cs.LG`);
      return { key: `api:${arg}`, kind: 'api', query: arg };
    case 'hf-daily':
      return { key: 'hf-daily', kind: 'hf-daily' };
    case 'rss':
      if (!arg) throw new SyncSourceError(`"${spec}": rss needs categories, e.g. rss:cs.LG+cs.AI`);
      return { key: `rss:${arg}`, kind: 'rss', categories: arg };
    default:
      throw new SyncSourceError(`"${spec}": unknown source kind "${kind}" (expected oai:, api:, hf-daily or rss:)`);
  }
}

export function parseSyncSources(value: string): SyncSource[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(parseOne);
}

/** OAI-PMH ListRecords for a set over [from, until] (inclusive days, UTC). */
export function oaiListUrl(config: Config, source: Extract<SyncSource, { kind: 'oai' }>, from: string, until: string): string {
  const u = new URL(config.ARXIV_OAI_URL);
  u.search = new URLSearchParams({ verb: 'ListRecords', metadataPrefix: source.metadataPrefix, set: source.set, from, until }).toString();
  return u.toString();
}

const API_PAGE_SIZE = 200;

/** arXiv API query for papers updated within [from, until], oldest change first so paging is stable. */
export function apiQueryUrl(config: Config, source: Extract<SyncSource, { kind: 'api' }>, from: string, until: string): string {
  const compact = (d: string) => d.replaceAll('-', '');
  const u = new URL(config.ARXIV_API_URL);
  u.search = new URLSearchParams({
    search_query: `(${source.query}) AND lastUpdatedDate:[${compact(from)}0000 TO ${compact(until)}2359]`,
    sortBy: 'lastUpdatedDate',
    sortOrder: 'ascending',
    start: '0',
    max_results: String(API_PAGE_SIZE),
  }).toString();
  return u.toString();
}

export function hfDailyUrl(config: Config, day: string): string {
  return `${config.HF_API_URL.replace(/\/+$/, '')}/daily_papers?date=${day}`;
}

export function rssUrl(config: Config, source: Extract<SyncSource, { kind: 'rss' }>): string {
  return `${config.ARXIV_RSS_URL.replace(/\/+$/, '')}/${source.categories}`;
}
