/**
 * Compiles a parsed SearchQuery into PostgreSQL tsquery texts, one per
 * column of `paper_search` it concerns (migration 010): free text against
 * `document` (title, authors and abstract) or, for the title-only pass,
 * `title`; author filters against `authors`; filter tags against `tags`.
 * The SQL ANDs them (`document @@ … AND tags @@ …`).
 *
 * No lexeme carries a weight: GIN indexes do not store weights, so a weighted
 * query would make PostgreSQL recheck every match against its stored document
 * (see migration 010). Plain words are answered from the index alone.
 *
 * Safety by construction, as for FTS5 (fts-match.ts): every word is one of
 * our tokenizer's tokens (letters and digits), emitted as a quoted lexeme, and
 * every operator comes from this file, so no user input reaches to_tsquery as
 * syntax. Free text and authors go through the `english` configuration (the
 * columns', so stems meet stems); tags through `simple`, like the column.
 */
import { planFilters, termAlternatives, type CompileOptions } from '../query/fts-match.js';
import { DEFAULT_MAX_TERMS, type SearchQuery } from '../query/search-query.js';
import { tokenize } from '../text/tokenize.js';

/** tsquery texts by `paper_search` column; `tags` is for the `simple` configuration, the others for `english`. */
export interface TsqueryParts {
  document?: string;
  title?: string;
  authors?: string;
  tags?: string;
}

function lexeme(token: string): string {
  return `'${token.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** Tokens in sequence: adjacent words (`<->`); PostgreSQL closes the gaps of stop words itself. */
function phrase(tokens: readonly string[]): string {
  const parts = tokens.map(lexeme);
  return parts.length === 1 ? parts[0]! : `(${parts.join(' <-> ')})`;
}

function anyOf(parts: readonly string[]): string {
  return parts.length === 1 ? parts[0]! : `(${parts.join(' | ')})`;
}

/** The column free text is matched in: the title alone for a title-only pass, else the whole document. */
function textColumn(opts: CompileOptions): 'document' | 'title' {
  return opts.columns?.length === 1 && opts.columns[0] === 'title' ? 'title' : 'document';
}

/** Same options and same "nothing to match" cases as compileFtsMatch: null when no positive part remains. */
export function compileTsquery(query: SearchQuery, opts: CompileOptions): TsqueryParts | null {
  const terms = query.terms.slice(0, opts.maxTerms ?? DEFAULT_MAX_TERMS);
  const positives = terms
    .filter((t) => !t.negated)
    .map((t) => termAlternatives(t, opts.expansions).map(phrase))
    .filter((alternatives) => alternatives.length > 0)
    .map(anyOf);
  const negatives = terms.filter((t) => t.negated).map((t) => tokenize(t.text)).filter((tokens) => tokens.length > 0);

  const out: TsqueryParts = {};
  if (positives.length > 0) out[textColumn(opts)] = `(${positives.join(opts.mode === 'all' ? ' & ' : ' | ')})`;
  const tagParts: string[] = [];
  if (opts.includeFilters ?? true) {
    const plan = planFilters(query, opts);
    if (plan.authors.length > 0) out.authors = plan.authors.map(phrase).join(' & ');
    tagParts.push(...plan.tagGroups.map((group) => anyOf(group.map(lexeme))));
    if (tagParts.length === 0 && out.authors === undefined && positives.length === 0) return null;
    tagParts.push(...plan.excludedTags.map((tag) => `!${lexeme(tag)}`));
  }
  if (positives.length === 0 && out.authors === undefined && tagParts.length === 0) return null;
  if (tagParts.length > 0) out.tags = tagParts.join(' & ');
  // Exclusions hold for the whole paper, whichever column the positive words were matched in.
  if (negatives.length > 0) {
    const excluded = `!${anyOf(negatives.map(phrase))}`;
    out.document = out.document === undefined ? excluded : `${out.document} & ${excluded}`;
  }
  return out;
}
