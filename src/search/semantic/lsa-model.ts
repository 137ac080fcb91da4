/**
 * Latent semantic analysis learned from our own catalogue. Papers are TF-IDF
 * vectors (sublinear tf, smoothed idf, title terms ×2, unit length) over the
 * content terms that occur in at least two papers; a randomized truncated SVD
 * of a bounded sample finds the k directions along which terms co-occur, so
 * "draft tokens … verify with the big model" lands near speculative-decoding
 * abstracts that share its neighbourhood of terms rather than its words.
 *
 * Training cost is bounded by the sample (default 50k papers), not the
 * catalogue; embedding a paper afterwards is one sparse × dense product
 * (its ~100 terms × k), so projecting a million papers is cheap.
 */
import { normalize, type Embedder } from './embedder.js';
import { randomizedSvd, createRandom, type CsrMatrix } from './linalg.js';
import { TermExtractor } from './terms.js';

export interface PaperText {
  title: string;
  abstract: string | null;
}

export interface LsaOptions {
  /** Target dimensions k (fewer for tiny corpora: k < number of papers). */
  dimensions?: number;
  /** Vocabulary cap: the terms with the highest document frequency win. */
  maxVocabulary?: number;
  /** A term must occur in this many sampled papers to be learned. */
  minDocumentFrequency?: number;
  oversample?: number;
  powerIterations?: number;
  /**
   * Paper coordinates are x·V_k·diag(σ^sigmaPower): 1 is classic LSA (U·Σ),
   * 0 weighs every latent direction alike (whitened); in between damps the
   * first, most generic directions without drowning in the noisy last ones.
   */
  sigmaPower?: number;
  seed?: number;
  modelId?: string;
}

export interface LsaParams {
  dimensions: number;
  vocabulary: number;
  trainedOn: number;
  sigmaPower: number;
  seed: number;
}

const DEFAULTS = { dimensions: 128, maxVocabulary: 60_000, minDocumentFrequency: 2, oversample: 16, powerIterations: 2, sigmaPower: 0.5, seed: 1 };
const MAGIC = 'PBLSA001';

export class LsaModel implements Embedder {
  readonly kind = 'lsa';
  private readonly index: Map<string, number>;
  private readonly extractor = new TermExtractor();
  // Scratch space for embedCounts (models are used from one thread at a time).
  private rows = new Int32Array(512);
  private weights = new Float64Array(512);
  private readonly sum: Float64Array;

  constructor(
    readonly modelId: string,
    readonly terms: readonly string[],
    /** idf per term. */
    readonly idf: Float32Array,
    /** terms × dimensions, row-major: term j's latent direction, already scaled. */
    readonly projection: Float32Array,
    /** Unit direction of the mean training paper, projected out of every embedding (see `meanDirection`). */
    readonly mean: Float32Array,
    readonly params: LsaParams,
  ) {
    this.index = new Map(terms.map((t, i) => [t, i]));
    this.sum = new Float64Array(params.dimensions);
  }

  get dimensions(): number {
    return this.params.dimensions;
  }

  embed(text: string): Float32Array {
    const counts = new Map<string, number>();
    for (const term of this.extractor.terms(text)) counts.set(term, (counts.get(term) ?? 0) + 1);
    return this.embedCounts(counts);
  }

  embedPaper(title: string, abstract: string | null): Float32Array {
    return this.embedCounts(this.extractor.paperCounts(title, abstract));
  }

  /** Sublinear TF-IDF of the known terms, projected; the tf-idf norm is irrelevant since the result is normalised. */
  embedCounts(counts: Map<string, number>, out = new Float32Array(this.dimensions)): Float32Array {
    let n = 0;
    let norm = 0;
    if (this.rows.length < counts.size) (this.rows = new Int32Array(counts.size * 2)), (this.weights = new Float64Array(counts.size * 2));
    for (const [term, tf] of counts) {
      const j = this.index.get(term);
      if (j === undefined) continue;
      this.rows[n] = j * this.dimensions;
      const w = (1 + Math.log(tf)) * this.idf[j]!;
      this.weights[n++] = w;
      norm += w * w;
    }
    if (n === 0) return out.fill(0);
    this.accumulate(n);
    // Remove the component along the mean direction (see `meanDirection`).
    const mean = this.mean;
    let along = 0;
    for (let c = 0; c < out.length; c++) along += this.sum[c]! * mean[c]!;
    for (let c = 0; c < out.length; c++) out[c] = this.sum[c]! - along * mean[c]!;
    normalize(out);
    return out;
  }

  /** sum = Σ weights[i] · projection row i, four rows per pass over `sum` (V8 does not vectorise; this halves the time). */
  private accumulate(n: number): void {
    const { rows, weights, sum, projection: p } = this;
    const k = this.dimensions;
    sum.fill(0);
    let i = 0;
    for (; i + 3 < n; i += 4) {
      const w0 = weights[i]!, w1 = weights[i + 1]!, w2 = weights[i + 2]!, w3 = weights[i + 3]!;
      const o0 = rows[i]!, o1 = rows[i + 1]!, o2 = rows[i + 2]!, o3 = rows[i + 3]!;
      for (let c = 0; c < k; c++) sum[c]! += w0 * p[o0 + c]! + w1 * p[o1 + c]! + w2 * p[o2 + c]! + w3 * p[o3 + c]!;
    }
    for (; i < n; i++) {
      const w = weights[i]!;
      const o = rows[i]!;
      for (let c = 0; c < k; c++) sum[c]! += w * p[o + c]!;
    }
  }

  /** Header JSON, vocabulary (newline-joined UTF-8), idf and projection as little-endian float32. */
  serialize(): Buffer {
    assertLittleEndian();
    const header = Buffer.from(JSON.stringify({ modelId: this.modelId, ...this.params }));
    const vocab = Buffer.from(this.terms.join('\n'));
    const parts = [Buffer.from(MAGIC), u32(header.length), header, u32(vocab.length), vocab];
    const used = parts.reduce((n, b) => n + b.length, 0);
    parts.push(Buffer.alloc((4 - (used % 4)) % 4));
    parts.push(Buffer.from(this.idf.buffer, this.idf.byteOffset, this.idf.byteLength));
    parts.push(Buffer.from(this.projection.buffer, this.projection.byteOffset, this.projection.byteLength));
    parts.push(Buffer.from(this.mean.buffer, this.mean.byteOffset, this.mean.byteLength));
    return Buffer.concat(parts);
  }

  static deserialize(data: Uint8Array): LsaModel {
    assertLittleEndian();
    const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (buf.toString('latin1', 0, 8) !== MAGIC) throw new Error('not a Paperboy LSA model (bad magic)');
    let at = 8;
    const headerLength = buf.readUInt32LE(at);
    const header = JSON.parse(buf.toString('utf8', (at += 4), (at += headerLength))) as LsaParams & { modelId: string };
    const vocabLength = buf.readUInt32LE(at);
    const vocab = buf.toString('utf8', (at += 4), (at += vocabLength));
    at += (4 - (at % 4)) % 4;
    const terms = vocab.length === 0 ? [] : vocab.split('\n');
    const { modelId, ...params } = header;
    // Copy into fresh, aligned arrays: the blob's buffer may be shared and unaligned.
    const idf = new Float32Array(buf.buffer.slice(buf.byteOffset + at, buf.byteOffset + at + terms.length * 4));
    at += terms.length * 4;
    const size = terms.length * params.dimensions * 4;
    if (at + size + params.dimensions * 4 !== buf.length) throw new Error(`LSA model ${modelId} is truncated or corrupt`);
    const projection = new Float32Array(buf.buffer.slice(buf.byteOffset + at, buf.byteOffset + at + size));
    at += size;
    const mean = new Float32Array(buf.buffer.slice(buf.byteOffset + at, buf.byteOffset + at + params.dimensions * 4));
    return new LsaModel(modelId, terms, idf, projection, mean, params);
  }
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function assertLittleEndian(): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('LSA models are stored little-endian; big-endian hosts are not supported');
}

/** Up to `size` items drawn uniformly from a stream (algorithm R), deterministic for a seed. */
export function reservoirSample<T>(items: Iterable<T>, size: number, seed = 1): T[] {
  const random = createRandom(seed);
  const out: T[] = [];
  let seen = 0;
  for (const item of items) {
    if (out.length < size) out.push(item);
    else {
      const j = Math.floor(random() * (seen + 1));
      if (j < size) out[j] = item;
    }
    seen++;
  }
  return out;
}

/** Sampled papers as term-id/count pairs plus document frequencies, before the vocabulary is cut. */
interface Counted {
  ids: string[];
  df: number[];
  docs: Array<{ terms: Int32Array; counts: Float32Array }>;
}

function countTerms(papers: readonly PaperText[]): Counted {
  const extractor = new TermExtractor();
  const idOf = new Map<string, number>();
  const counted: Counted = { ids: [], df: [], docs: [] };
  for (const paper of papers) {
    const counts = extractor.paperCounts(paper.title, paper.abstract);
    const terms = new Int32Array(counts.size);
    const values = new Float32Array(counts.size);
    let i = 0;
    for (const [term, count] of counts) {
      let id = idOf.get(term);
      if (id === undefined) idOf.set(term, (id = counted.ids.push(term) - 1)), counted.df.push(0);
      counted.df[id]!++;
      terms[i] = id;
      values[i++] = count;
    }
    counted.docs.push({ terms, counts: values });
  }
  return counted;
}

/** The TF-IDF matrix (unit rows) over the chosen vocabulary. */
function tfidfMatrix(counted: Counted, column: Int32Array, idf: Float32Array): CsrMatrix {
  const rowStart = new Int32Array(counted.docs.length + 1);
  const colIndex: number[] = [];
  const values: number[] = [];
  counted.docs.forEach((doc, r) => {
    const from = values.length;
    let norm = 0;
    for (let i = 0; i < doc.terms.length; i++) {
      const c = column[doc.terms[i]!]!;
      if (c < 0) continue;
      const w = (1 + Math.log(doc.counts[i]!)) * idf[c]!;
      colIndex.push(c);
      values.push(w);
      norm += w * w;
    }
    for (let p = from; p < values.length; p++) values[p]! /= Math.sqrt(norm);
    rowStart[r + 1] = values.length;
  });
  return { rows: counted.docs.length, cols: idf.length, rowStart, colIndex: Int32Array.from(colIndex), values: Float32Array.from(values) };
}

/** Trains a model on `papers` (already sampled: every one is used). */
export function trainLsa(papers: readonly PaperText[], options: LsaOptions = {}): LsaModel {
  const o = { ...DEFAULTS, ...options };
  const counted = countTerms(papers);
  const kept = counted.ids
    .map((_, id) => id)
    .filter((id) => counted.df[id]! >= o.minDocumentFrequency)
    .sort((a, b) => counted.df[b]! - counted.df[a]! || (counted.ids[a]! < counted.ids[b]! ? -1 : 1))
    .slice(0, o.maxVocabulary);
  const column = new Int32Array(counted.ids.length).fill(-1);
  kept.forEach((id, c) => (column[id] = c));
  const n = papers.length;
  const idf = Float32Array.from(kept, (id) => Math.log((1 + n) / (1 + counted.df[id]!)) + 1);
  const terms = kept.map((id) => counted.ids[id]!);
  const modelId = o.modelId ?? `lsa-${new Date().toISOString().replace(/[-:.]/g, '')}`;
  const k = Math.max(0, Math.min(o.dimensions, n - 1, terms.length - 1));
  if (k === 0) throw new Error(`cannot train a semantic model on ${n} papers with ${terms.length} shared terms: need at least 2 of each`);
  const matrix = tfidfMatrix(counted, column, idf);
  const svd = randomizedSvd(matrix, k, o);
  const projection = new Float32Array(terms.length * svd.k);
  for (let c = 0; c < svd.k; c++) {
    const scale = svd.sigma[c]! ** o.sigmaPower;
    for (let j = 0; j < terms.length; j++) projection[j * svd.k + c] = svd.v[j * svd.k + c]! * scale;
  }
  const params = { dimensions: svd.k, vocabulary: terms.length, trainedOn: n, sigmaPower: o.sigmaPower, seed: o.seed };
  return new LsaModel(modelId, terms, idf, projection, meanDirection(matrix, projection, svd.k), params);
}

/**
 * The direction of the mean projected paper. TF-IDF vectors are non-negative,
 * so every paper shares a large "generic text" component (median cosine
 * between two random synthetic papers ≈ 0.8 with it): it drowns the topical
 * differences, flattens the neighbour ranking and makes approximate search
 * much harder. Projecting it out removes it. Subtracting the mean instead
 * would push short queries, which lie mostly outside the latent space,
 * towards −mean, where odd outlier papers become hubs that match everything.
 */
function meanDirection(a: CsrMatrix, projection: Float32Array, k: number): Float32Array {
  const columnMeans = new Float64Array(a.cols);
  for (let p = 0; p < a.rowStart[a.rows]!; p++) columnMeans[a.colIndex[p]!]! += a.values[p]! / a.rows;
  const mean = new Float32Array(k);
  for (let j = 0; j < a.cols; j++) for (let c = 0; c < k; c++) mean[c]! += columnMeans[j]! * projection[j * k + c]!;
  normalize(mean);
  return mean;
}
