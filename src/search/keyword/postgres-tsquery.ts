/**
 * Compiles a parsed SearchQuery into PostgreSQL tsquery text for the
 * weighted `paper_search.document` (migration 001: title A, authors B,
 * abstract C, filter tags D).
 *
 * Safety by construction, as for FTS5 (fts-match.ts): every word is one of
 * our tokenizer's tokens (letters and digits), emitted as a quoted lexeme, and
 * every operator and weight comes from this file, so no user input reaches
 * to_tsquery as syntax. Free text goes through the `english` configuration
 * (the document's, so stems meet stems); tags through `simple`, like the
 * document's tags — hence two tsquery texts, AND-ed in SQL.
 */
import { planFilters, termAlternatives, type CompileOptions, type TextColumn } from '../query/fts-match.js';
import { DEFAULT_MAX_TERMS, type SearchQuery } from '../query/search-query.js';
import { tokenize } from '../text/tokenize.js';

export interface TsqueryTexts {
  /** For to_tsquery('english', …): words, phrases, author filters and exclusions. */
  text?: string;
  /** For to_tsquery('simple', …): category, year and has-code tags. */
  tags?: string;
}

const WEIGHT_OF: Record<TextColumn, string> = { title: 'A', authors: 'B', abstract: 'C' };
const TAG_WEIGHT = 'D';

function lexeme(token: string, weights: string): string {
  return `'${token.replace(/\\/g, '\\\\').replace(/'/g, "''")}':${weights}`;
}

/** Tokens in sequence: adjacent words (`<->`); PostgreSQL closes the gaps of stop words itself. */
function phrase(tokens: readonly string[], weights: string): string {
  const parts = tokens.map((t) => lexeme(t, weights));
  return parts.length === 1 ? parts[0]! : `(${parts.join(' <-> ')})`;
}

function anyOf(parts: readonly string[]): string {
  return parts.length === 1 ? parts[0]! : `(${parts.join(' | ')})`;
}

function textWeights(columns: readonly TextColumn[] | undefined): string {
  const chosen = columns && columns.length > 0 ? columns : (['title', 'abstract', 'authors'] as const);
  return [...new Set(chosen.map((c) => WEIGHT_OF[c]))].sort().join('');
}

/** Same options and same "nothing to match" cases as compileFtsMatch: null when no positive part remains. */
export function compileTsquery(query: SearchQuery, opts: CompileOptions): TsqueryTexts | null {
  const weights = textWeights(opts.columns);
  const terms = query.terms.slice(0, opts.maxTerms ?? DEFAULT_MAX_TERMS);
  const positives = terms
    .filter((t) => !t.negated)
    .map((t) => termAlternatives(t, opts.expansions).map((tokens) => phrase(tokens, weights)))
    .filter((alternatives) => alternatives.length > 0)
    .map(anyOf);
  const negatives = terms.filter((t) => t.negated).map((t) => tokenize(t.text)).filter((tokens) => tokens.length > 0);

  const textParts: string[] = [];
  const tagParts: string[] = [];
  if (positives.length > 0) textParts.push(`(${positives.join(opts.mode === 'all' ? ' & ' : ' | ')})`);
  if (opts.includeFilters ?? true) {
    const plan = planFilters(query, opts);
    textParts.push(...plan.authors.map((tokens) => phrase(tokens, WEIGHT_OF.authors)));
    tagParts.push(...plan.tagGroups.map((group) => anyOf(group.map((tag) => lexeme(tag, TAG_WEIGHT)))));
    if (tagParts.length + textParts.length === 0) return null;
    tagParts.push(...plan.excludedTags.map((tag) => `!${lexeme(tag, TAG_WEIGHT)}`));
  }
  if (textParts.length + tagParts.length === 0) return null;
  if (negatives.length > 0) textParts.push(`!${anyOf(negatives.map((tokens) => phrase(tokens, weights)))}`);
  const out: TsqueryTexts = {};
  if (textParts.length > 0) out.text = textParts.join(' & ');
  if (tagParts.length > 0) out.tags = tagParts.join(' & ');
  return out;
}
