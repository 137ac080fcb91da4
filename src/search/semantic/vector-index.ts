/**
 * In-memory nearest-neighbour index over unit vectors keyed by paper seq
 * (score = cosine = dot product).
 *
 * Vectors live in a float32 slab (exact scores, `vectorOf` for "similar
 * papers", the exact fallback); above `annThreshold` vectors an HNSW graph
 * (usearch: native, prebuilt binaries, multi-threaded build, one-file
 * save/load) proposes 2k candidates that are rescored exactly against the slab.
 * Below the threshold, and for filters too selective for the graph, an exact
 * scan is fast enough and exact.
 *
 * Chosen by measurement: LSA vectors (128 dims) of the synthetic corpus, k=100,
 * one query at a time, recall@10 against exact search, 2-core machine shared
 * with other jobs (load 3–14: build times are upper bounds).
 *   brute force float32, JS    100k: p50 17 ms, p95 38 ms → ×10 at 1M       recall 1
 *   brute force int8, JS       100k: p50 29 ms (V8 is no faster on int8)
 *   IVF float32, JS, 256 lists 100k: build 43 s, p50 1.2 ms (16 probes) recall 0.86
 *   hnswlib-node M16 efC128     20k: build 27 s (one thread, JS arrays per point)
 *   usearch f16 M16 efAdd128   100k: build 44 s, p50 0.43 ms, p95 0.56 ms, recall 0.907
 *   usearch f16 M16 efAdd64    100k: build 13 s, p50 0.43 ms, p95 1.75 ms, recall 0.852
 *   usearch f16 M24 efAdd64 ef256 100k: build 26 s, p50 0.90 ms, p95 1.19 ms, recall 0.941
 *   usearch f16 M24 efAdd64 ef256  1M: build 380 s, p50 2.13 ms, p95 2.52 ms, recall 0.739,
 *                                      +1.18 GB RSS, save 0.5 s, load 0.5 s
 * End to end (bench/semantic.ts, text queries, defaults M24 efAdd64 ef256, rescoring):
 *   100k: search p50 1.25 ms, p95 1.51 ms; recall@10 0.918; rebuild 43.5 s; RSS 787 MB
 *     1M: search p50 2.05 ms, p95 2.43 ms; recall@10 0.830 (score ratio 0.991);
 *         rebuild 668 s next to another 1M benchmark; start-up 2.3 s; RSS 2.6 GB
 * The graph build was then 80% of a 1M rebuild (usearch add 719 s of the worker's 897 s, load 10–16).
 * Re-measured on the saved 100k vectors (text queries, graph fetch 20 rescored to 10; CPU seconds
 * of the build, which the shared machine's load distorts less than wall time):
 *   f16 M24 efAdd64 ef256: cpu 19.0 s, recall 0.930      i8 M24 efAdd64 ef256: cpu 12.1 s, recall 0.922
 *   i8  M24 efAdd40 ef384: cpu  7.9 s, recall 0.924      i8 M16 efAdd48 ef512: cpu  8.5 s, recall 0.934
 * i8 quarters the graph's vector memory and cheapens every distance; a wider search (ef 512, still
 * ~1 ms) buys back what the cheaper build (M16, efAdd40) loses. Defaults: i8 M16 efAdd40 ef512.
 * Brute force cannot meet a 10–20 ms budget at 1M in JS; HNSW answers in ~2 ms.
 * The synthetic corpus is a worst case for any ANN method (a Markov chain over
 * 273 abstracts: no topical clusters, near-ties among the top 100), so recall
 * on a real catalogue is higher; `expansionSearch` trades latency for recall.
 */
import { Index, MetricKind, ScalarKind } from 'usearch';

export interface SearchHit {
  seq: number;
  score: number;
}

export interface VectorIndexOptions {
  /** Below this many vectors, searches scan exactly and no graph is kept. */
  annThreshold?: number;
  connectivity?: number;
  expansionAdd?: number;
  expansionSearch?: number;
  /** Threads for bulk graph construction (0 = all cores). */
  buildThreads?: number;
  /**
   * Element type of the graph's own copy of the vectors. i8 quarters its memory
   * and makes every distance of the build cheaper, at no accuracy that matters
   * (recall@10 0.922 vs 0.930 for f16 at 100k): candidates are rescored exactly
   * against the float32 slab. A saved graph keeps the type it was built with.
   */
  quantization?: 'f32' | 'f16' | 'i8';
  /** Build the graph as soon as `annThreshold` is crossed (false: the owner calls `buildGraph`, e.g. in a worker). */
  autoGraph?: boolean;
}

const DEFAULTS = { annThreshold: 20_000, connectivity: 16, expansionAdd: 40, expansionSearch: 512, buildThreads: 0, quantization: 'i8' as const, autoGraph: true };
/** Graph candidates fetched per wanted hit, then rescored exactly. */
const RESCORE_FACTOR = 2;
/** A filtered graph search over-fetches up to this many before scanning exactly. */
const MAX_FILTERED_FETCH = 4096;

export class VectorIndex {
  private slab: Float32Array;
  private seqOfSlot: Int32Array;
  private readonly slotOfSeq = new Map<number, number>();
  private readonly freeSlots: number[] = [];
  private used = 0;
  private graph: Index | undefined;
  private autoGraph: boolean;
  readonly options: Required<VectorIndexOptions>;

  constructor(readonly dimensions: number, options: VectorIndexOptions = {}, capacity = 1024) {
    this.options = { ...DEFAULTS, ...options };
    this.autoGraph = this.options.autoGraph;
    this.slab = new Float32Array(capacity * dimensions);
    this.seqOfSlot = new Int32Array(capacity).fill(-1);
  }

  get size(): number {
    return this.slotOfSeq.size;
  }

  /** Whether an HNSW graph answers searches (false: exact scans). */
  get approximate(): boolean {
    return this.graph !== undefined;
  }

  has(seq: number): boolean {
    return this.slotOfSeq.has(seq);
  }

  /** A copy of the stored vector of `seq`. */
  vectorOf(seq: number): Float32Array | undefined {
    const slot = this.slotOfSeq.get(seq);
    return slot === undefined ? undefined : this.slab.slice(slot * this.dimensions, (slot + 1) * this.dimensions);
  }

  seqs(): number[] {
    return [...this.slotOfSeq.keys()];
  }

  /** Adds or replaces vectors; `vectors` holds `seqs.length` rows. Zero vectors (no known term) are not indexed. */
  addBatch(seqs: ArrayLike<number>, vectors: Float32Array, graphThreads = 1): void {
    const d = this.dimensions;
    const added: number[] = [];
    for (let i = 0; i < seqs.length; i++) {
      const row = vectors.subarray(i * d, (i + 1) * d);
      this.remove(seqs[i]!);
      if (!row.some((x) => x !== 0)) continue;
      const slot = this.freeSlots.pop() ?? this.grow();
      this.slab.set(row, slot * d);
      this.seqOfSlot[slot] = seqs[i]!;
      this.slotOfSeq.set(seqs[i]!, slot);
      added.push(slot);
    }
    if (this.graph) this.addToGraph(added, graphThreads);
    else if (this.autoGraph && this.size >= this.options.annThreshold) this.buildGraph();
  }

  add(seq: number, vector: Float32Array): void {
    this.addBatch([seq], vector);
  }

  remove(seq: number): boolean {
    const slot = this.slotOfSeq.get(seq);
    if (slot === undefined) return false;
    this.slotOfSeq.delete(seq);
    this.seqOfSlot[slot] = -1;
    this.freeSlots.push(slot);
    this.graph?.remove(BigInt(seq));
    return true;
  }

  /** The k best matches, best first; `filter` keeps only the seqs it accepts. */
  search(vector: Float32Array, k: number, filter?: (seq: number) => boolean): SearchHit[] {
    if (k <= 0 || this.size === 0) return [];
    if (!this.graph) return this.exactSearch(vector, k, filter);
    for (let fetch = (filter ? k * 4 : k) * RESCORE_FACTOR; ; fetch *= 4) {
      const n = Math.min(fetch, this.size);
      const hits = this.graphSearch(vector, n, filter);
      if (hits.length >= k || n === this.size) return hits.sort((a, b) => b.score - a.score).slice(0, k);
      if (fetch * 4 > MAX_FILTERED_FETCH) return this.exactSearch(vector, k, filter);
    }
  }

  /** Exact top-k by scanning every vector. */
  exactSearch(vector: Float32Array, k: number, filter?: (seq: number) => boolean): SearchHit[] {
    const top = new TopK(Math.min(k, this.size));
    for (let slot = 0; slot < this.used; slot++) {
      const seq = this.seqOfSlot[slot]!;
      if (seq < 0 || (filter && !filter(seq))) continue;
      top.offer(seq, this.score(slot, vector));
    }
    return top.sorted();
  }

  /** Exact dot product of a stored vector with `vector` (dimensions are a multiple of 4 or padded by the loop tail). */
  private score(slot: number, vector: Float32Array): number {
    const d = this.dimensions;
    const s = this.slab;
    let a = 0, b = 0, c = 0, e = 0;
    let i = 0;
    for (let o = slot * d; i + 3 < d; i += 4, o += 4) {
      a += s[o]! * vector[i]!;
      b += s[o + 1]! * vector[i + 1]!;
      c += s[o + 2]! * vector[i + 2]!;
      e += s[o + 3]! * vector[i + 3]!;
    }
    for (; i < d; i++) a += s[slot * d + i]! * vector[i]!;
    return a + b + c + e;
  }

  /** (Re)builds the HNSW graph over every stored vector, with `buildThreads` threads. Blocks: call from a worker for big indexes. */
  buildGraph(): void {
    this.graph = this.newGraph();
    const slots: number[] = [];
    for (let slot = 0; slot < this.used; slot++) if (this.seqOfSlot[slot]! >= 0) slots.push(slot);
    this.addToGraph(slots, this.options.buildThreads);
  }

  private newGraph(): Index {
    const o = this.options;
    const quantization = { f32: ScalarKind.F32, f16: ScalarKind.F16, i8: ScalarKind.I8 }[o.quantization];
    return new Index({ dimensions: this.dimensions, metric: MetricKind.IP, quantization, connectivity: o.connectivity, expansion_add: o.expansionAdd, expansion_search: o.expansionSearch, multi: false });
  }

  /** Saves the graph (if any) to `path`; the caller persists the slab with `exportVectors`. */
  saveGraph(path: string): boolean {
    this.graph?.save(path);
    return this.graph !== undefined;
  }

  /** Adopts a graph saved by `saveGraph` over exactly these vectors. */
  loadGraph(path: string): void {
    const o = this.options;
    const graph = this.newGraph();
    graph.load(path);
    if (graph.size() !== this.size) throw new Error(`vector graph ${path} holds ${graph.size()} vectors, expected ${this.size}`);
    this.graph = graph;
  }

  /** An index over these vectors, with the graph saved at `graphPath` if given (no graph is built here). */
  static restore(dimensions: number, seqs: Int32Array, vectors: Float32Array, options: VectorIndexOptions, graphPath?: string): VectorIndex {
    const index = new VectorIndex(dimensions, options, 0);
    // Adopt the arrays as the slab instead of copying: at 1M papers that is 512 MB less at the moment of a swap.
    index.slab = vectors;
    index.seqOfSlot = seqs;
    index.used = seqs.length;
    for (let slot = 0; slot < seqs.length; slot++) {
      if (index.slotOfSeq.has(seqs[slot]!)) throw new Error(`duplicate seq ${seqs[slot]} in stored vectors`);
      index.slotOfSeq.set(seqs[slot]!, slot);
    }
    if (graphPath) index.loadGraph(graphPath);
    return index;
  }

  /** Live seqs and their vectors, compacted (for transfer to another thread or a file); views, not copies, when nothing was removed. */
  exportVectors(): { seqs: Int32Array; vectors: Float32Array } {
    const d = this.dimensions;
    if (this.freeSlots.length === 0) return { seqs: this.seqOfSlot.subarray(0, this.used), vectors: this.slab.subarray(0, this.used * d) };
    const seqs = new Int32Array(this.size);
    const vectors = new Float32Array(this.size * d);
    let n = 0;
    for (let slot = 0; slot < this.used; slot++) {
      const seq = this.seqOfSlot[slot]!;
      if (seq < 0) continue;
      seqs[n] = seq;
      vectors.set(this.slab.subarray(slot * d, (slot + 1) * d), n++ * d);
    }
    return { seqs, vectors };
  }

  private graphSearch(vector: Float32Array, n: number, filter?: (seq: number) => boolean): SearchHit[] {
    const { keys } = this.graph!.search(vector, n, 1);
    const hits: SearchHit[] = [];
    for (let i = 0; i < keys.length; i++) {
      const seq = Number(keys[i]!);
      const slot = this.slotOfSeq.get(seq);
      if (slot !== undefined && (!filter || filter(seq))) hits.push({ seq, score: this.score(slot, vector) });
    }
    return hits;
  }

  private addToGraph(slots: number[], threads: number): void {
    const d = this.dimensions;
    // Batches keep the temporary copies small while letting usearch spread each batch over threads.
    for (let from = 0; from < slots.length; from += 50_000) {
      const part = slots.slice(from, from + 50_000);
      const keys = new BigUint64Array(part.length);
      const rows = new Float32Array(part.length * d);
      part.forEach((slot, i) => {
        keys[i] = BigInt(this.seqOfSlot[slot]!);
        rows.set(this.slab.subarray(slot * d, (slot + 1) * d), i * d);
      });
      this.graph!.add(keys, rows, threads);
    }
  }

  private grow(): number {
    if (this.used === this.seqOfSlot.length) {
      const capacity = Math.ceil(this.seqOfSlot.length * 1.5) + 16;
      const slab = new Float32Array(capacity * this.dimensions);
      slab.set(this.slab);
      const seqOfSlot = new Int32Array(capacity).fill(-1);
      seqOfSlot.set(this.seqOfSlot);
      this.slab = slab;
      this.seqOfSlot = seqOfSlot;
    }
    return this.used++;
  }
}

/** The k largest scores seen, kept in a sorted array: k is small (≤ a few hundred) next to n. */
class TopK {
  private readonly seqs: Int32Array;
  private readonly scores: Float64Array;
  private count = 0;

  constructor(private readonly k: number) {
    this.seqs = new Int32Array(k);
    this.scores = new Float64Array(k);
  }

  offer(seq: number, score: number): void {
    if (this.k === 0 || (this.count === this.k && score <= this.scores[this.k - 1]!)) return;
    let i = this.count < this.k ? this.count++ : this.k - 1;
    while (i > 0 && this.scores[i - 1]! < score) {
      this.scores[i] = this.scores[i - 1]!;
      this.seqs[i] = this.seqs[i - 1]!;
      i--;
    }
    this.scores[i] = score;
    this.seqs[i] = seq;
  }

  sorted(): SearchHit[] {
    return Array.from({ length: this.count }, (_, i) => ({ seq: this.seqs[i]!, score: this.scores[i]! }));
  }
}
