/**
 * Field helpers shared by the XML parsers (arXiv API Atom, OAI-PMH, RSS/Atom
 * listing feeds): author names, dates that reject an entry, record clean-up.
 *
 * Author names keep the source's spelling (mojibake included) apart from
 * whitespace and TeX accents, which are decoded (`Bal\'azs` → `Balázs`) so
 * that every source spells a name the same way for search and merging.
 */
import { extractCodeUrls } from '../../catalogue/code-links.js';
import { InvalidDateError, parseSourceDate } from '../../catalogue/dates.js';
import { cleanText } from '../../catalogue/identifiers.js';
import { decodeTexAccents } from '../../catalogue/tex-accents.js';
import type { PaperRecord, ParsedItem } from '../../catalogue/paper.js';

const SUFFIX = /^(?:Jr|Sr|I{2,3}|IV)\.?$/i;

/** Removes parenthesised text (affiliations such as "(1)" or "((1) MIT, (2) CERN)"), nested or not. */
function dropParentheses(text: string): string {
  let depth = 0;
  let out = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0) out += ch;
  }
  return out;
}

/**
 * Splits a free-text author list ("A. Smith, B. Jones and C. Brown",
 * "A. Smith (1), B. Jones (2) ((1) MIT, (2) CERN)") into display names.
 * Commas, semicolons and the word "and" separate names; a lone "Jr."/"III"
 * fragment is glued back to the name before it.
 */
export function splitAuthorList(raw: string | undefined): string[] {
  const text = cleanText(raw === undefined ? undefined : decodeTexAccents(raw));
  if (!text) return [];
  const names: string[] = [];
  for (const part of dropParentheses(text).split(/\s*(?:,|;|\band\b)\s*/)) {
    const name = cleanText(part);
    if (!name) continue;
    if (SUFFIX.test(name) && names.length > 0) names[names.length - 1] += ` ${name}`;
    else names.push(name);
  }
  return names;
}

/** "Forenames Keyname Suffix" from the parts of an arXiv OAI `<author>`. */
export function nameFromParts(
  keyname: string | undefined,
  forenames: string | undefined,
  suffix: string | undefined,
): string | undefined {
  return cleanText(decodeTexAccents([forenames, keyname, suffix].filter((part) => part !== undefined).join(' ')));
}

/** Dublin Core "Last, First" (or "Last, First, Jr.") → "First Last" ("First Last Jr."). */
export function invertName(raw: string | undefined): string | undefined {
  const text = cleanText(raw === undefined ? undefined : decodeTexAccents(raw));
  if (!text) return undefined;
  const parts = text.split(/\s*,\s*/);
  if (parts.length === 2 && parts[0] && parts[1]) return `${parts[1]} ${parts[0]}`;
  if (parts.length === 3 && parts[0] && parts[1] && parts[2]) {
    // Both "Last, First, Jr." and "Last, Jr., First" occur.
    const [last, a, b] = parts as [string, string, string];
    return SUFFIX.test(a) ? `${b} ${last} ${a}` : `${a} ${last} ${b}`;
  }
  return text;
}

/** Why one entry of an otherwise good document cannot become a record. */
export class RecordRejection extends Error {}

/**
 * `parseSourceDate` that names the field: an unparseable date rejects the
 * entry (`RecordRejection`) rather than being silently dropped.
 */
export function dateField(field: string, raw: string | undefined): string | undefined {
  try {
    return parseSourceDate(raw);
  } catch (err) {
    if (err instanceof InvalidDateError) throw new RecordRejection(`${field}: ${err.message}`);
    throw err;
  }
}

/** Distinct non-empty values in first-seen order; undefined when none remain. */
export function distinct(values: ReadonlyArray<string | undefined>): string[] | undefined {
  const out = [...new Set(values.filter((v): v is string => v !== undefined && v !== ''))];
  return out.length > 0 ? out : undefined;
}

/** Non-empty values in order, duplicates kept (two authors may share a name); undefined when none. */
export function present(values: ReadonlyArray<string | undefined>): string[] | undefined {
  const out = values.filter((v): v is string => v !== undefined && v !== '');
  return out.length > 0 ? out : undefined;
}

/** A record without `undefined` members, with code links found in the abstract and comments. */
export function finishRecord(record: PaperRecord): PaperRecord {
  const codeUrls = extractCodeUrls(record.abstract, record.comments);
  const full: PaperRecord = { ...record, codeUrls: codeUrls.length > 0 ? codeUrls : undefined };
  for (const key of Object.keys(full) as Array<keyof PaperRecord>) {
    if (full[key] === undefined) delete full[key];
  }
  return full;
}

/** Runs `build` and turns a `RecordRejection` into a rejected item. */
export function toItem(where: string, build: () => PaperRecord): ParsedItem {
  try {
    return { kind: 'record', record: finishRecord(build()), where };
  } catch (err) {
    if (err instanceof RecordRejection) return { kind: 'rejected', where, reason: err.message };
    throw err;
  }
}
