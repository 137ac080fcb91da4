/**
 * A realistic synthetic arXiv corpus in the Kaggle snapshot format (JSONL),
 * for benchmarks. Text comes from a Markov chain learned from real abstracts
 * (see synthetic-text.ts), metadata from realistic distributions (see
 * synthetic-metadata.ts). Deterministic for a given seed and paper count;
 * written as a stream, so the corpus is never held in memory.
 *
 *   node dist/bench/synthetic-corpus.js out.jsonl --papers 100000 [--seed 1]
 */
import { open } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  authorPools,
  familyOf,
  joinAuthors,
  LICENSES,
  OLD_ARCHIVES,
  publication,
  sampleAuthors,
  sampleCategories,
  sampleComments,
  Weighted,
  type Author,
} from './synthetic-metadata.js';
import { loadRealText } from './synthetic-sources.js';
import { createRandom, pick, TextModel, type Random } from './synthetic-text.js';

/** Bump when the output for a given seed changes, so cached corpora are regenerated. */
export const GENERATOR_VERSION = 2;

export interface KagglePaper {
  id: string;
  submitter: string;
  authors: string;
  title: string;
  comments: string | null;
  'journal-ref': string | null;
  doi: string | null;
  'report-no': string | null;
  categories: string;
  license: string | null;
  abstract: string;
  versions: Array<{ version: string; created: string }>;
  update_date: string;
  authors_parsed: Array<[string, string, string]>;
}

export interface PaperGenerator {
  /** The next paper in id order, or undefined once `papers` have been produced. */
  next(): KagglePaper | undefined;
  /**
   * The fast path for writing: encodes the next paper as one JSONL line (with
   * its newline) into `out` at `offset`, which must have `maxLineBytes` free;
   * returns the new offset, or -1 once `papers` have been produced.
   */
  writeNext(out: Buffer, offset: number): number;
  maxLineBytes: number;
  /** The learned text model, e.g. to draw search queries from the same vocabulary. */
  text: TextModel;
  random: Random;
  papers: number;
}

const DAY = 86_400_000;
/** The newest paper is submitted before this instant. */
const END = Date.UTC(2026, 10, 28);
const OLD_STYLE_SHARE = 0.03;
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const VERSION_COUNT = new Weighted<number>([[1, 62], [2, 25], [3, 9], [4, 4]]);
const REPORT_PREFIXES = ['CERN-TH', 'DESY', 'SLAC-PUB', 'FERMILAB-PUB', 'MIT-CTP', 'IPMU', 'ANL-HEP-PR', 'KEK-TH'];
const LAB_OWNERS = ['facebookresearch', 'google-research', 'microsoft', 'openai', 'huggingface', 'nvlabs', 'deepmind', 'allenai'];

interface Month {
  year: number;
  month: number; // 1..12
  count: number;
}

/** Splits `total` over `months` in proportion to `weight`, capped per month; overflow moves on. */
function allocate(total: number, months: Array<{ year: number; month: number }>, weight: (i: number) => number, cap: (m: { year: number }) => number): Month[] {
  const weights = months.map((_m, i) => weight(i));
  const sum = weights.reduce((a, b) => a + b, 0);
  let cumulative = 0;
  let assigned = 0;
  let carry = 0;
  const out = months.map((m, i) => {
    cumulative += weights[i]!;
    const upto = Math.round((total * cumulative) / sum);
    const wanted = upto - assigned + carry;
    assigned = upto;
    const count = Math.min(wanted, cap(m));
    carry = wanted - count;
    return { ...m, count };
  });
  if (carry > 0) throw new Error(`cannot lay out ${total} papers: the id space is full`);
  return out;
}

function monthRange(fromYear: number, fromMonth: number, toYear: number, toMonth: number): Array<{ year: number; month: number }> {
  const out = [];
  for (let y = fromYear, m = fromMonth; y < toYear || (y === toYear && m <= toMonth); m === 12 ? (y++, (m = 1)) : m++) out.push({ year: y, month: m });
  return out;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function rfc2822(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} GMT`;
}

function isoDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function codeUrl(random: Random, authors: Author[], title: string): string {
  const owner = random() < 0.3 ? pick(random, LAB_OWNERS) : (pick(random, authors).parsed[0].normalize('NFKD').replace(/[^A-Za-z0-9]/g, '') || 'lab') + pick(random, ['', 'lab', '-group', '42']);
  const words = title.toLowerCase().replace(/[^a-z0-9 ]/g, ' ').split(/\s+/).filter((w) => w.length > 3);
  const repo = words.slice(0, 1 + Math.floor(random() * 3)).join('-') || 'code';
  return `https://github.com/${owner}/${repo}`;
}

export function createPaperGenerator(seed: number, options: { papers?: number } = {}): PaperGenerator {
  const papers = options.papers ?? 1_000_000;
  const random = createRandom(seed);
  const real = loadRealText();
  const text = new TextModel(real, random);
  const pools = authorPools(real.authorNames);

  const oldCount = Math.round(papers * OLD_STYLE_SHARE);
  // Submissions grew from ~1k/month (1992) and ~5k/month (2007) to ~25k/month (2026).
  const oldMonths = allocate(oldCount, monthRange(1992, 1, 2007, 3), (i) => 1 + i / 40, () => 5_000);
  const newMonths = allocate(papers - oldCount, monthRange(2007, 4, 2026, 10), (i) => 1 + 4 * (i / 235) ** 1.3, (m) => (m.year < 2015 ? 9_999 : 99_999));
  const months = [...oldMonths.map((m) => ({ ...m, old: true })), ...newMonths.map((m) => ({ ...m, old: false }))];

  let monthIndex = 0;
  let inMonth = 0;
  let serial = 0;
  let oldCounters = new Map<string, number>();

  function nextSlot(): { month: Month & { old: boolean }; index: number } | undefined {
    while (monthIndex < months.length && inMonth >= months[monthIndex]!.count) {
      monthIndex++;
      inMonth = 0;
      oldCounters = new Map();
    }
    const month = months[monthIndex];
    return month ? { month, index: inMonth++ } : undefined;
  }

  /** Writes one paper as a JSON line; the abstract goes straight in as bytes (see TextModel.writeAbstract). */
  function writePaper(month: Month & { old: boolean }, index: number, out: Buffer, offset: number): number {
    const start = Date.UTC(month.year, month.month - 1, 1);
    const length = Date.UTC(month.year, month.month, 1) - start;
    const created = Math.floor(start + ((index + random()) / month.count) * length);
    const yymm = `${pad(month.year % 100)}${pad(month.month)}`;
    let id: string;
    let categories: string[];
    if (month.old) {
      let [archive, category] = OLD_ARCHIVES.sample(random);
      while ((oldCounters.get(archive) ?? 0) >= 999) [archive, category] = OLD_ARCHIVES.sample(random);
      const n = (oldCounters.get(archive) ?? 0) + 1;
      oldCounters.set(archive, n);
      id = `${archive}/${yymm}${pad(n, 3)}`;
      categories = sampleCategories(random, month.year, category);
    } else {
      id = `${yymm}.${pad(index + 1, month.year < 2015 ? 4 : 5)}`;
      categories = sampleCategories(random, month.year);
    }
    const primary = categories[0]!;
    const family = familyOf(primary);
    const authors = sampleAuthors(random, pools, primary === 'hep-ex' || primary === 'astro-ph.IM' ? 3 : 1);
    const title = text.title(random() < (family === 'ml' ? 0.6 : 0.25));
    let comments = sampleComments(random);
    let abstractTail = '';
    if (random() < 0.1) {
      const url = codeUrl(random, authors, title);
      if (random() < 0.5) comments = comments ? `${comments}; Code: ${url}` : `Code: ${url}`;
      else abstractTail = random() < 0.5 ? `Code: ${url}\\n` : `Our code is available at ${url}.\\n`;
    }
    const pubYear = Math.min(2026, month.year + (random() < 0.5 ? 0 : 1));
    const { doi, journalRef } = publication(random, primary, pubYear, ++serial);

    const versions = [{ version: 'v1', created: rfc2822(created) }];
    let last = created;
    for (let v = 2, n = VERSION_COUNT.sample(random); v <= n; v++) {
      const at = last + Math.floor((1 + random() * random() * 300) * DAY * (0.5 + random()));
      if (at >= END) break;
      versions.push({ version: `v${v}`, created: rfc2822(at) });
      last = at;
    }
    const updated = journalRef ? Math.min(END, last + Math.floor(random() * 365 * DAY)) : last;
    const submitter = random() < 0.7 ? authors[0]! : pick(random, authors);
    const q = JSON.stringify;
    const head =
      `{"id":${q(id)},"submitter":${q(`${submitter.parsed[1]} ${submitter.parsed[0]}`)},"authors":${q(joinAuthors(random, authors))}` +
      `,"title":${q(title)},"comments":${q(comments)},"journal-ref":${q(journalRef)},"doi":${q(doi)}` +
      `,"report-no":${q(family === 'hep' && random() < 0.15 ? `${pick(random, REPORT_PREFIXES)}-${pad(pubYear % 100)}-${pad(1 + Math.floor(random() * 300), 3)}` : null)}` +
      `,"categories":${q(categories.join(' '))},"license":${q(month.year < 2008 ? null : LICENSES.sample(random))},"abstract":"`;
    const tail = `${abstractTail}","versions":${q(versions)},"update_date":"${isoDay(updated)}","authors_parsed":${q(authors.map((a) => a.parsed))}}\n`;
    if ((head.length + tail.length) * 3 + text.maxAbstractBytes > out.length - offset) throw new Error('writeNext: not enough room');
    let at = offset + out.write(head, offset);
    at = text.writeAbstract(out, at);
    return at + out.write(tail, at);
  }

  const writeNext = (out: Buffer, offset: number) => {
    const slot = nextSlot();
    return slot ? writePaper(slot.month, slot.index, out, offset) : -1;
  };
  // Room for the abstract plus up to 60 authors and the other fields.
  const maxLineBytes = text.maxAbstractBytes + (64 << 10);
  let scratch: Buffer | undefined;
  return {
    writeNext,
    maxLineBytes,
    next() {
      scratch ??= Buffer.allocUnsafe(maxLineBytes);
      const end = writeNext(scratch, 0);
      return end < 0 ? undefined : (JSON.parse(scratch.toString('utf8', 0, end)) as KagglePaper);
    },
    text,
    random,
    papers,
  };
}

/** Streams `papers` synthetic records to `path` as JSONL, a few MB per write. */
export async function writeSyntheticCorpus(path: string, options: { papers: number; seed: number }): Promise<{ bytes: number }> {
  const generator = createPaperGenerator(options.seed, { papers: options.papers });
  const file = await open(path, 'w');
  const chunk = Buffer.allocUnsafe(8 << 20);
  let used = 0;
  let bytes = 0;
  const flush = async () => {
    for (let at = 0; at < used; ) at += (await file.write(chunk, at, used - at)).bytesWritten;
    bytes += used;
    used = 0;
  };
  try {
    for (;;) {
      if (chunk.length - used < generator.maxLineBytes) await flush();
      const end = generator.writeNext(chunk, used);
      if (end < 0) break;
      used = end;
    }
    await flush();
  } finally {
    await file.close();
  }
  return { bytes };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { papers: { type: 'string', default: '10000' }, seed: { type: 'string', default: '1' } } });
  const out = positionals[0];
  if (!out) throw new Error('usage: synthetic-corpus.js <out.jsonl> [--papers N] [--seed S]');
  const started = performance.now();
  const { bytes } = await writeSyntheticCorpus(out, { papers: Number(values.papers), seed: Number(values.seed) });
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${values.papers} papers, ${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s\n`);
}
