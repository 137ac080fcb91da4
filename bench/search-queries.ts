/**
 * Mixed benchmark queries drawn from the catalogue itself, so that they hit
 * like real ones: 1–6 words, quoted phrases, typos, filters and exclusions.
 */
import type Database from 'better-sqlite3';
import { STOPWORDS, tokenize } from '../src/search/text/tokenize.js';
import { createRandom, type Random } from './synthetic-text.js';

export type QueryKind = 'words' | 'phrase' | 'typo' | 'filter' | 'exclusion';

export interface BenchQuery {
  kind: QueryKind;
  text: string;
  /** The plain words, for the raw-FTS5 reference query. */
  words: string[];
}

const KINDS: Array<[QueryKind, number]> = [
  ['words', 0.35],
  ['phrase', 0.15],
  ['typo', 0.2],
  ['filter', 0.2],
  ['exclusion', 0.1],
];

function pickKind(random: Random): QueryKind {
  let r = random();
  for (const [kind, share] of KINDS) if ((r -= share) <= 0) return kind;
  return 'words';
}

function typo(word: string, random: Random): string {
  const i = 1 + Math.floor(random() * (word.length - 2));
  const op = random();
  if (op < 0.4) return word.slice(0, i) + word.slice(i + 1);
  if (op < 0.7) return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
  return word.slice(0, i) + 'aeiou'[Math.floor(random() * 5)] + word.slice(i);
}

interface SourcePaper {
  title: string;
  abstract: string | null;
  categories: string;
  published_at: string | null;
}

export function generateQueries(sqlite: Database.Database, count: number, seed: number): BenchQuery[] {
  const random = createRandom(seed);
  const maxSeq = (sqlite.prepare('SELECT max(seq) AS m FROM papers').get() as { m: number }).m;
  const bySeq = sqlite.prepare('SELECT title, abstract, categories, published_at FROM papers WHERE seq >= ? ORDER BY seq LIMIT 1');
  const out: BenchQuery[] = [];
  while (out.length < count) {
    const paper = bySeq.get(1 + Math.floor(random() * maxSeq)) as SourcePaper | undefined;
    if (!paper) continue;
    const source = random() < 0.6 ? paper.title : (paper.abstract ?? paper.title);
    const content = tokenize(source).filter((w) => !STOPWORDS.has(w) && w.length > 2 && !/^\d+$/.test(w));
    if (content.length === 0) continue;
    const n = Math.min(content.length, 1 + Math.floor(random() * 6));
    const start = Math.floor(random() * (content.length - n + 1));
    const words = content.slice(start, start + n);
    const kind = pickKind(random);
    let text = words.join(' ');
    if (kind === 'phrase') {
      const phrase = tokenize(paper.title).slice(0, 2 + Math.floor(random() * 2));
      text = `"${phrase.join(' ')}"`;
      out.push({ kind, text, words: phrase });
      continue;
    }
    if (kind === 'typo') {
      const long = words.findIndex((w) => w.length >= 5);
      if (long < 0) continue;
      words[long] = typo(words[long]!, random);
      text = words.join(' ');
    }
    if (kind === 'filter') {
      const categories = JSON.parse(paper.categories) as string[];
      const year = paper.published_at?.slice(0, 4);
      const filters = [categories[0] ? `cat:${categories[0]}` : 'has:code', year ? `year:${year}` : 'has:code', 'has:code', 'after:2015-01-01'];
      text = `${text} ${filters[Math.floor(random() * filters.length)]}`;
    }
    if (kind === 'exclusion') text = `${text} -${['survey', 'benchmark', 'quantum', 'graph'][Math.floor(random() * 4)]}`;
    out.push({ kind, text, words });
  }
  return out;
}
