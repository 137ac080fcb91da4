/**
 * Mutation fuzzing of the XML parsers with the real fixtures as seeds. A
 * seeded PRNG makes every run identical, so a failure is reproducible from the
 * printed fixture, iteration and mutation list.
 *
 * Contract under test: a parse either returns a page or throws
 * MalformedDocumentError (never another exception), finishes quickly, and
 * every record it returns has a non-empty title and a valid arXiv id.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseArxivId } from '../../catalogue/identifiers.js';
import type { DocumentPage } from './document.js';
import { MalformedDocumentError } from './document.js';
import { parseArxivAtom } from './arxiv-atom.js';
import { parseArxivFeed } from './arxiv-feed.js';
import { parseOaiPmh } from './oai-pmh.js';
import { mutate, prng } from '../../../test/support/mutations.js';

type Parser = (xml: string, origin: string) => DocumentPage;

const FIXTURES = new URL('../../../test/fixtures/formats/', import.meta.url);
const PARSERS: Record<string, Parser> = {
  arxiv_api_atom: parseArxivAtom,
  arxiv_oai_pmh: parseOaiPmh,
  arxiv_rss: parseArxivFeed,
};
const SEEDS = Object.entries(PARSERS).flatMap(([dir, parse]) =>
  readdirSync(new URL(`${dir}/`, FIXTURES))
    .filter((name) => name.endsWith('.xml'))
    .sort()
    .map((name) => ({ name: `${dir}/${name}`, parse, xml: readFileSync(new URL(`${dir}/${name}`, FIXTURES), 'utf8') })),
);

const ITERATIONS_PER_FIXTURE = 300;
const MAX_MS_PER_PARSE = 2000;

interface Outcome {
  pages: number;
  malformed: number;
  records: number;
  rejected: number;
}

function checkedParse(parse: Parser, xml: string, origin: string, outcome: Outcome, context: () => string): void {
  const started = performance.now();
  let page: DocumentPage | undefined;
  try {
    page = parse(xml, origin);
  } catch (err) {
    if (!(err instanceof MalformedDocumentError)) {
      throw new Error(`${context()}: threw ${(err as Error)?.name}: ${(err as Error)?.message}`, { cause: err });
    }
    expect(err.origin, context()).toBe(origin);
    outcome.malformed++;
  }
  const elapsed = performance.now() - started;
  if (elapsed > MAX_MS_PER_PARSE) throw new Error(`${context()}: took ${Math.round(elapsed)} ms`);
  if (!page) return;
  outcome.pages++;
  for (const item of page.items) {
    if (!item.where.startsWith(origin)) throw new Error(`${context()}: where "${item.where}" does not name the origin`);
    if (item.kind === 'rejected') {
      outcome.rejected++;
      if (!item.reason) throw new Error(`${context()}: rejection without a reason`);
      continue;
    }
    outcome.records++;
    const { record } = item;
    if (typeof record.title !== 'string' || record.title.trim() === '') {
      throw new Error(`${context()}: record with empty title at ${item.where}`);
    }
    if (!record.arxivId || parseArxivId(record.arxivId)?.id !== record.arxivId || parseArxivId(record.arxivId)?.version) {
      throw new Error(`${context()}: record with invalid arXiv id ${JSON.stringify(record.arxivId)} at ${item.where}`);
    }
    for (const date of [record.publishedAt, record.updatedAt]) {
      if (date !== undefined && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(date)) {
        throw new Error(`${context()}: non-ISO date ${JSON.stringify(date)} at ${item.where}`);
      }
    }
  }
}

describe('XML parsers under mutation', () => {
  it('finds the fixtures to fuzz', () => {
    expect(SEEDS.length).toBeGreaterThanOrEqual(11);
  });

  it('return a page or throw MalformedDocumentError for every mutant of every fixture', { timeout: 30_000 }, () => {
    const started = performance.now();
    const totals: Outcome = { pages: 0, malformed: 0, records: 0, rejected: 0 };
    SEEDS.forEach((seed, seedIndex) => {
      const rand = prng(0x5eed + seedIndex * 7919);
      for (let iteration = 0; iteration < ITERATIONS_PER_FIXTURE; iteration++) {
        const { text: xml, applied } = mutate(seed.xml, rand);
        checkedParse(seed.parse, xml, `fuzz:${seed.name}#${iteration}`, totals, () => `${seed.name} iteration ${iteration} [${applied.join(', ')}]`);
      }
    });
    const elapsed = performance.now() - started;
    // The fuzzing must exercise both outcomes, or it proves nothing.
    expect(totals.pages).toBeGreaterThan(SEEDS.length * 10);
    expect(totals.malformed).toBeGreaterThan(SEEDS.length * 10);
    expect(totals.records).toBeGreaterThan(0);
    expect(elapsed).toBeLessThan(10_000);
  });

  it('treat every fixture given to the wrong parser as a page or a MalformedDocumentError', () => {
    const totals: Outcome = { pages: 0, malformed: 0, records: 0, rejected: 0 };
    for (const seed of SEEDS) {
      for (const [name, parse] of Object.entries(PARSERS)) {
        checkedParse(parse, seed.xml, `cross:${seed.name}`, totals, () => `${seed.name} through ${name}`);
      }
    }
    expect(totals.pages + totals.malformed).toBe(SEEDS.length * 3);
  });
});
