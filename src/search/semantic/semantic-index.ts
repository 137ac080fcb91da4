/**
 * The semantic half of hybrid search: an LSA model trained on our catalogue
 * plus a nearest-neighbour index of every paper's vector.
 *
 * Heavy work (training, embedding a million papers, building the HNSW graph)
 * runs in a worker thread, not in event-loop chunks: it is minutes of pure
 * CPU that a second core can do while this thread keeps answering searches
 * at full speed, and the model code stays simple synchronous loops. This
 * thread only reads pages from the database, writes vector batches, and swaps
 * the finished index in at once: searches answer from the old index until
 * then. Small jobs (`update()` after a sync: a few hundred papers) run here in
 * short batches, yielding between them.
 */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { DatabaseHandle } from '../../db/connection.js';
import { graphFileName, readVectorFile, removeOtherModels, vectorFileName, writeVectorFile } from './index-files.js';
import { LsaModel, reservoirSample, type LsaOptions } from './lsa-model.js';
import { VectorIndex, type SearchHit, type VectorIndexOptions } from './vector-index.js';
import * as store from './vector-store.js';
import { WorkerClient } from './worker-client.js';

export type { SearchHit } from './vector-index.js';

export interface SemanticIndexOptions {
  /** Index cache directory; default `semantic-index/` beside the SQLite file (a temporary one for in-memory databases). */
  cacheDir?: string;
  index?: VectorIndexOptions;
  log?: (message: string) => void;
}

export interface RebuildOptions {
  /** Papers the model is trained on (a uniform sample of the catalogue). */
  sampleSize?: number;
  lsa?: LsaOptions;
  /** Papers per page read from the database and embedded by the worker. */
  pageSize?: number;
}

export interface RebuildReport {
  modelId: string;
  papers: number;
  trainedOn: number;
  dimensions: number;
  vocabulary: number;
  /** train: sample read + training; embed: every paper embedded and written (and, for big catalogues, added to the graph); index: files written and loaded. */
  seconds: { train: number; embed: number; index: number; total: number };
}

const DEFAULT_SAMPLE = 50_000;
// Small batches: at 1M papers each graph insertion on this thread costs ~1 ms, and searches wait meanwhile.
const UPDATE_BATCH = 100;

export class SemanticIndex {
  private model: LsaModel | undefined;
  private index: VectorIndex | undefined;
  private rebuilding: Promise<RebuildReport> | undefined;
  private updating: Promise<number> | undefined;
  private graphBuild: Promise<void> | undefined;
  private readonly workers = new Set<WorkerClient>();
  private readonly db: store.Db;

  private constructor(
    handle: Pick<DatabaseHandle, 'db'>,
    private readonly cacheDir: string,
    private readonly ownsCacheDir: boolean,
    private readonly options: SemanticIndexOptions,
  ) {
    this.db = handle.db;
  }

  /** Loads the active model and its index (from the cache if it is there, else from the database). */
  static async open(handle: Pick<DatabaseHandle, 'db' | 'location'>, options: SemanticIndexOptions = {}): Promise<SemanticIndex> {
    // The cache sits beside a SQLite file; a server database (a postgres:// location) has no
    // directory of ours, so each instance builds its index from the stored vectors in a temporary one.
    const onDisk = handle.location !== ':memory:' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(handle.location) && !options.cacheDir;
    const cacheDir = options.cacheDir ?? (onDisk ? join(dirname(handle.location), 'semantic-index') : mkdtempSync(join(tmpdir(), 'paperboy-semantic-')));
    mkdirSync(cacheDir, { recursive: true });
    const semantic = new SemanticIndex(handle, cacheDir, !onDisk && !options.cacheDir, options);
    const stored = await store.loadActiveModel(handle.db);
    if (stored) await semantic.load(LsaModel.deserialize(stored.data));
    return semantic;
  }

  /** True once a model and its index are loaded (the index may still be an exact scan while its graph builds). */
  get ready(): boolean {
    return this.model !== undefined && this.index !== undefined;
  }

  get status(): { ready: boolean; modelId?: string; papers: number; approximate: boolean; rebuilding: boolean } {
    return { ready: this.ready, modelId: this.model?.modelId, papers: this.index?.size ?? 0, approximate: this.index?.approximate ?? false, rebuilding: this.rebuilding !== undefined };
  }

  /**
   * Loads the database's active model when it is not the one loaded here:
   * another instance on the same database trained it (see training-lease.ts).
   * Searches answer from the old index until the new one is in. True when it
   * switched.
   */
  async followActiveModel(): Promise<boolean> {
    if (this.rebuilding) return false;
    const active = await store.activeModelSummary(this.db);
    if (!active || active.id === this.model?.modelId) return false;
    const stored = await store.loadActiveModel(this.db);
    if (!stored || this.rebuilding) return false;
    this.log(`semantic model ${stored.id} was trained by another instance: loading it`);
    await this.load(LsaModel.deserialize(stored.data));
    return true;
  }

  /** Papers closest in meaning to free text, best first; [] until a model exists or if no word of the text is known. */
  search(text: string, k: number, filter?: (seq: number) => boolean): SearchHit[] {
    if (!this.model || !this.index) return [];
    const vector = this.model.embed(text);
    return vector.some((x) => x !== 0) ? this.index.search(vector, k, filter) : [];
  }

  /** Similarity of free text to each of these papers (papers without a vector are left out): lets hybrid search weigh meaning for every keyword candidate, not only the nearest neighbours. */
  similarities(text: string, seqs: readonly number[]): Map<number, number> {
    const out = new Map<number, number>();
    if (!this.model || !this.index) return out;
    const vector = this.model.embed(text);
    for (const seq of seqs) {
      const paper = this.index.vectorOf(seq);
      if (!paper) continue;
      let dot = 0;
      for (let i = 0; i < paper.length; i++) dot += paper[i]! * vector[i]!;
      out.set(seq, dot);
    }
    return out;
  }

  /** `search` by scanning every vector: the reference that measures the graph's recall (slow on big indexes). */
  searchExact(text: string, k: number, filter?: (seq: number) => boolean): SearchHit[] {
    if (!this.model || !this.index) return [];
    const vector = this.model.embed(text);
    return vector.some((x) => x !== 0) ? this.index.exactSearch(vector, k, filter) : [];
  }

  /** Papers closest to paper `seq` (itself excluded); [] if it has no vector. */
  similarTo(seq: number, k: number, filter?: (seq: number) => boolean): SearchHit[] {
    const vector = this.index?.vectorOf(seq);
    if (!vector) return [];
    // Without a caller's filter, ask for one more and drop the paper itself: a filter makes the graph over-fetch.
    if (!filter) return this.index!.search(vector, k + 1).filter((h) => h.seq !== seq).slice(0, k);
    return this.index!.search(vector, k, (s) => s !== seq && filter(s));
  }

  /** Retrains on the current catalogue and re-embeds every paper; one rebuild at a time (a second call joins the first). */
  rebuild(options: RebuildOptions = {}): Promise<RebuildReport> {
    this.rebuilding ??= this.runRebuild(options).finally(() => (this.rebuilding = undefined));
    return this.rebuilding;
  }

  /**
   * Embeds papers that have no vector from the active model and indexes them;
   * returns how many. During a rebuild it waits for it: the rebuild is busy
   * replacing those very rows, and ends with an update of its own.
   */
  async update(): Promise<number> {
    if (this.rebuilding) await this.rebuilding.catch(() => undefined);
    this.updating ??= this.runUpdate().finally(() => (this.updating = undefined));
    return this.updating;
  }

  /** Writes the in-memory index to the cache so the next start-up skips reading every vector row. */
  async persist(): Promise<void> {
    if (!this.model || !this.index) return;
    const hasGraph = this.index.saveGraph(join(this.cacheDir, graphFileName(this.model.modelId)));
    const { seqs, vectors } = this.index.exportVectors();
    writeVectorFile(join(this.cacheDir, vectorFileName(this.model.modelId)), { modelId: this.model.modelId, dimensions: this.index.dimensions, seqs, vectors, hasGraph });
  }

  /** Stops background work (a running rebuild fails) and removes a temporary cache. */
  async close(): Promise<void> {
    await Promise.all([...this.workers].map((w) => w.close()));
    await Promise.allSettled([this.rebuilding, this.graphBuild, this.updating]);
    if (this.ownsCacheDir) rmSync(this.cacheDir, { recursive: true, force: true });
  }

  private async load(model: LsaModel): Promise<void> {
    const file = readVectorFile(this.cacheDir, model.modelId);
    let index: VectorIndex | undefined;
    if (file && file.dimensions === model.dimensions) {
      try {
        index = VectorIndex.restore(model.dimensions, file.seqs, file.vectors, this.indexOptions(), file.hasGraph ? join(this.cacheDir, graphFileName(model.modelId)) : undefined);
      } catch (error) {
        this.log(`semantic index cache unusable (${String(error)}); reading vectors from the database`);
      }
    }
    if (!index) {
      index = new VectorIndex(model.dimensions, this.indexOptions());
      for await (const page of store.iterateVectors(this.db, model.modelId, model.dimensions)) index.addBatch(page.seqs, page.vectors);
    }
    this.model = model;
    this.index = index;
    await this.reconcile();
    this.maybeBuildGraph();
  }

  private indexOptions(): VectorIndexOptions {
    return { ...this.options.index, autoGraph: false };
  }

  /** Makes the index hold exactly the database's vectors of the active model (the cache may be stale). */
  private async reconcile(): Promise<void> {
    const model = this.model!;
    const index = this.index!;
    const stored = await store.vectorSeqs(this.db, model.modelId);
    const inDb = new Set(stored);
    for (const seq of index.seqs()) if (!inDb.has(seq)) index.remove(seq);
    const missing = Array.from(stored).filter((seq) => !index.has(seq));
    for (let i = 0; i < missing.length; i += 500) {
      const rows = await store.vectorsOf(this.db, model.modelId, missing.slice(i, i + 500), model.dimensions);
      index.addBatch(rows.seqs, rows.vectors);
    }
  }

  /** Big exact indexes get their HNSW graph built by a worker, then swapped in. */
  private maybeBuildGraph(): void {
    const index = this.index;
    if (!index || index.approximate || index.size < index.options.annThreshold || this.graphBuild) return;
    this.graphBuild = this.buildGraphInWorker(this.model!, index)
      .catch((error) => this.log(`semantic index graph build failed: ${String(error)}`))
      .finally(() => (this.graphBuild = undefined));
  }

  private async buildGraphInWorker(model: LsaModel, index: VectorIndex): Promise<void> {
    await this.withWorker(async (worker) => {
      await worker.call({ op: 'use-model', data: model.serialize(), index: this.indexOptions() });
      const { seqs, vectors } = index.exportVectors();
      for (let i = 0; i < seqs.length; i += 50_000) {
        await worker.call({ op: 'add', seqs: seqs.slice(i, i + 50_000), vectors: vectors.slice(i * index.dimensions, (i + 50_000) * index.dimensions) });
      }
      await worker.call({ op: 'save-index', dir: this.cacheDir });
    });
    if (this.model !== model || this.rebuilding) return;
    this.swapIn(model);
    await this.reconcile();
  }

  private swapIn(model: LsaModel): void {
    const file = readVectorFile(this.cacheDir, model.modelId);
    if (!file) throw new Error(`semantic index files for ${model.modelId} are missing`);
    const graph = file.hasGraph ? join(this.cacheDir, graphFileName(model.modelId)) : undefined;
    this.index = VectorIndex.restore(model.dimensions, file.seqs, file.vectors, this.indexOptions(), graph);
    this.model = model;
  }

  private async runRebuild(options: RebuildOptions): Promise<RebuildReport> {
    const started = performance.now();
    const seconds = (from: number) => (performance.now() - from) / 1000;
    let modelId: string | undefined;
    try {
      let trainSeconds = 0;
      let embedSeconds = 0;
      const indexStarted = { at: 0 };
      // The worker is gone (its memory freed) before the new index is loaded here.
      const { trained, papers } = await this.withWorker(async (worker) => {
        const seqs = await store.allPaperSeqs(this.db);
        const sample = reservoirSample(seqs, options.sampleSize ?? DEFAULT_SAMPLE, options.lsa?.seed ?? 1);
        const texts = await store.paperTexts(this.db, sample);
        const papers = texts.map((t) => ({ title: t.title, abstract: t.abstract }));
        const trained = await worker.call({ op: 'train', papers, options: options.lsa ?? {}, index: this.indexOptions(), catalogueSize: seqs.length });
        modelId = trained.modelId;
        await store.saveModel(this.db, { id: modelId, kind: 'lsa', paperCount: seqs.length, params: { ...trained.params, encoding: 'f32' }, data: trained.data });
        trainSeconds = seconds(started);
        const embedStarted = performance.now();
        const count = await this.embedAll(worker, modelId, trained.params.dimensions, options.pageSize ?? 2000);
        embedSeconds = seconds(embedStarted);
        indexStarted.at = performance.now();
        await worker.call({ op: 'save-index', dir: this.cacheDir });
        return { trained, papers: count };
      });
      await store.activateModel(this.db, trained.modelId);
      this.swapIn(LsaModel.deserialize(trained.data));
      removeOtherModels(this.cacheDir, trained.modelId);
      const { params } = trained;
      const times = { train: trainSeconds, embed: embedSeconds, index: seconds(indexStarted.at), total: seconds(started) };
      return { modelId: trained.modelId, papers, trainedOn: params.trainedOn, dimensions: params.dimensions, vocabulary: params.vocabulary, seconds: times };
    } catch (error) {
      if (modelId) await store.deleteInactiveModel(this.db, modelId).catch(() => undefined);
      throw error;
    } finally {
      if (this.model?.modelId === modelId) {
        // Papers deleted or added while the rebuild ran.
        await this.reconcile();
        this.updating ??= this.runUpdate().finally(() => (this.updating = undefined));
        await this.updating;
      }
    }
  }

  /** Streams every paper through the worker, one page in flight while the previous one is written. */
  private async embedAll(worker: WorkerClient, modelId: string, dimensions: number, pageSize: number): Promise<number> {
    let count = 0;
    let inFlight: Promise<{ seqs: Int32Array; vectors: Float32Array }> | undefined;
    const flush = async () => {
      if (!inFlight) return;
      const done = await inFlight;
      await store.writeVectors(this.db, modelId, done.seqs, done.vectors, dimensions);
      count += done.seqs.length;
    };
    for await (const page of store.iteratePaperTexts(this.db, pageSize)) {
      const seqs = Int32Array.from(page, (p) => p.seq);
      const call = worker.call({ op: 'embed', seqs, titles: page.map((p) => p.title), abstracts: page.map((p) => p.abstract) }).then((r) => ({ seqs, vectors: r.vectors }));
      await flush();
      inFlight = call;
    }
    await flush();
    return count;
  }

  private async runUpdate(): Promise<number> {
    const model = this.model;
    const index = this.index;
    if (!model || !index) return 0;
    let total = 0;
    for (let after = -1; ; ) {
      const rows = await store.papersWithoutVector(this.db, model.modelId, UPDATE_BATCH, after);
      if (rows.length === 0 || this.model !== model) break;
      const seqs = Int32Array.from(rows, (r) => r.seq);
      const vectors = new Float32Array(rows.length * model.dimensions);
      rows.forEach((r, i) => vectors.set(model.embedPaper(r.title, r.abstract), i * model.dimensions));
      await store.writeVectors(this.db, model.modelId, seqs, vectors, model.dimensions);
      this.index!.addBatch(seqs, vectors);
      total += rows.length;
      after = rows[rows.length - 1]!.seq;
      await yieldToEventLoop();
    }
    this.maybeBuildGraph();
    return total;
  }

  private async withWorker<T>(run: (worker: WorkerClient) => Promise<T>): Promise<T> {
    const worker = new WorkerClient();
    this.workers.add(worker);
    try {
      return await run(worker);
    } finally {
      this.workers.delete(worker);
      await worker.close();
    }
  }

  private log(message: string): void {
    this.options.log?.(message);
  }
}
