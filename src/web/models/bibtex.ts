/**
 * A BibTeX entry for a paper, as arXiv's own export shapes it (@misc with
 * eprint/archivePrefix, or @article with a journal reference). Values are
 * braced; braces inside them are balanced or dropped so that the entry
 * always parses.
 */
import type { Paper } from '../../catalogue/paper.js';

function braceSafe(text: string): string {
  // Unbalanced braces would end the field early; drop them all rather than guess.
  let depth = 0;
  for (const c of text) {
    if (c === '{') depth++;
    else if (c === '}' && --depth < 0) break;
  }
  const cleaned = depth === 0 ? text : text.replace(/[{}]/g, '');
  return cleaned.replace(/\s+/g, ' ').trim();
}

function citeKey(paper: Paper): string {
  const surname = (paper.authors[0] ?? 'anonymous').split(/\s+/).pop() ?? 'anonymous';
  const year = paper.publishedAt?.slice(0, 4) ?? '';
  const word = paper.title.split(/\s+/).find((w) => /^[A-Za-z]{4,}/.test(w)) ?? 'paper';
  return `${surname}${year}${word}`.normalize('NFKD').replace(/[^A-Za-z0-9]/g, '').toLowerCase() || 'paper';
}

export function bibtexFor(paper: Paper): string {
  const fields: Array<[string, string | null | undefined]> = [
    ['title', `{${braceSafe(paper.title)}}`],
    ['author', paper.authors.length > 0 ? braceSafe(paper.authors.join(' and ')) : null],
    ['year', paper.publishedAt?.slice(0, 4)],
    ['journal', paper.journalRef ? braceSafe(paper.journalRef) : null],
    ['doi', paper.doi],
    ['eprint', paper.arxivId],
    ['archivePrefix', paper.arxivId ? 'arXiv' : null],
    ['primaryClass', paper.arxivId ? paper.categories[0] : null],
    ['url', paper.absUrl],
  ];
  const body = fields
    .filter((f): f is [string, string] => typeof f[1] === 'string' && f[1] !== '')
    .map(([name, value]) => `  ${name} = {${braceSafe(value)}}`)
    .join(',\n');
  return `@${paper.journalRef ? 'article' : 'misc'}{${citeKey(paper)},\n${body}\n}`;
}
