/**
 * Mutated real fixtures of every format go through the whole ingest path into
 * a real SQLite file. Contract: no crash (only a clear ingest error), no hang,
 * and nothing partial stored — a document that fails leaves the catalogue as
 * it was, and every stored paper is well-formed.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArxivId } from '../src/catalogue/identifiers.js';
import { iteratePapers } from '../src/catalogue/paper-store.js';
import { MalformedDocumentError } from '../src/ingest/formats/document.js';
import { IngestError, ingestSource } from '../src/ingest/run-ingest.js';
import { mutate, prng } from './support/mutations.js';
import { createTempContext, FIXTURE, type TempContext } from './support/temp-context.js';

const FORMAT_DIRS = ['arxiv_api_atom', 'arxiv_oai_pmh', 'arxiv_rss', 'kaggle_arxiv_snapshot', 'hf_daily_papers'];
const SEEDS = [
  { name: 'demo-corpus', text: readFileSync('assets/demo-corpus.txt', 'utf8').split('\n').slice(0, 40).join('\n') },
  ...FORMAT_DIRS.flatMap((dir) =>
    readdirSync(FIXTURE(dir)).map((file) => ({ name: `${dir}/${file}`, text: readFileSync(FIXTURE(`${dir}/${file}`), 'utf8') })),
  ),
];
const ITERATIONS = 40;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

let ctx: TempContext;
beforeAll(async () => {
  ctx = await createTempContext();
});
afterAll(async () => {
  await ctx.dispose();
});

async function snapshot(): Promise<string[]> {
  const out: string[] = [];
  for await (const p of iteratePapers(ctx.database.db)) out.push(JSON.stringify(p));
  return out;
}

describe('ingest under mutation', () => {
  it('stores whole documents or nothing, and only well-formed papers', { timeout: 120_000 }, async () => {
    const outcomes = { stored: 0, refused: 0 };
    for (const [seedIndex, seed] of SEEDS.entries()) {
      const rand = prng(0xfeed + seedIndex);
      for (let i = 0; i < ITERATIONS; i++) {
        const { text, applied } = mutate(seed.text, rand);
        const file = join(ctx.dir, `mutant-${seedIndex}-${i}`);
        writeFileSync(file, text);
        const before = await snapshot();
        try {
          await ingestSource(ctx.database, file, { http: ctx.http, log: () => {} });
          outcomes.stored++;
        } catch (error) {
          const context = `${seed.name} #${i} [${applied.join(', ')}]`;
          if (!(error instanceof IngestError || error instanceof MalformedDocumentError)) throw new Error(`${context}: ${String(error)}`);
          expect(await snapshot(), context).toEqual(before);
          outcomes.refused++;
        }
      }
    }
    for await (const paper of iteratePapers(ctx.database.db)) {
      expect(paper.title.trim()).not.toBe('');
      if (paper.arxivId) expect(parseArxivId(paper.arxivId)?.id).toBe(paper.arxivId);
      for (const date of [paper.publishedAt, paper.updatedAt]) if (date !== null) expect(date).toMatch(ISO);
    }
    // Both outcomes must occur, or the fuzzing proved nothing.
    expect(outcomes.stored).toBeGreaterThan(SEEDS.length * 5);
    expect(outcomes.refused).toBeGreaterThan(SEEDS.length);
  });
});
