/**
 * Worker thread for the CPU-heavy half of semantic indexing: training the LSA
 * model, embedding papers and building the HNSW graph. The main thread keeps
 * the database and answers searches; it streams paper texts here and gets
 * vectors back. Protocol: every request carries an `id`; the reply echoes it
 * with `ok` and a result, or `ok: false` and an error message.
 */
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { LsaModel, trainLsa, type LsaOptions, type PaperText } from './lsa-model.js';
import { VectorIndex, type VectorIndexOptions } from './vector-index.js';
import { graphFileName, vectorFileName, writeVectorFile } from './index-files.js';

export type WorkerRequest =
  | { op: 'train'; papers: PaperText[]; options: LsaOptions; index: VectorIndexOptions; catalogueSize: number }
  | { op: 'use-model'; data: Uint8Array; index: VectorIndexOptions }
  | { op: 'embed'; seqs: Int32Array; titles: string[]; abstracts: Array<string | null> }
  | { op: 'add'; seqs: Int32Array; vectors: Float32Array }
  | { op: 'save-index'; dir: string };

export type WorkerReply =
  | { op: 'train'; modelId: string; data: Uint8Array; params: LsaModel['params'] }
  | { op: 'use-model' }
  | { op: 'embed'; vectors: Float32Array }
  | { op: 'add' }
  | { op: 'save-index'; vectorsPath: string; graphPath: string | undefined };

let model: LsaModel | undefined;
let index: VectorIndex | undefined;

function handle(request: WorkerRequest): { reply: WorkerReply; transfer: ArrayBuffer[] } {
  switch (request.op) {
    case 'train': {
      model = trainLsa(request.papers, request.options);
      index = new VectorIndex(model.dimensions, { ...request.index, autoGraph: false }, request.catalogueSize + 1024);
      // A big catalogue gets its graph built while it is embedded, batch by batch, on all cores: the
      // second core is otherwise idle while the main thread writes vectors to the database.
      if (request.catalogueSize >= index.options.annThreshold) index.buildGraph();
      const data = model.serialize();
      return { reply: { op: 'train', modelId: model.modelId, data, params: model.params }, transfer: [] };
    }
    case 'use-model':
      model = LsaModel.deserialize(request.data);
      index = new VectorIndex(model.dimensions, { ...request.index, autoGraph: false });
      return { reply: { op: 'use-model' }, transfer: [] };
    case 'embed': {
      const m = need(model, 'model');
      const d = m.dimensions;
      const vectors = new Float32Array(request.seqs.length * d);
      for (let i = 0; i < request.seqs.length; i++) vectors.set(m.embedPaper(request.titles[i]!, request.abstracts[i] ?? null), i * d);
      const idx = need(index, 'index');
      idx.addBatch(request.seqs, vectors, idx.options.buildThreads);
      // The index keeps its own copy; the reply's buffer moves to the main thread.
      return { reply: { op: 'embed', vectors }, transfer: [vectors.buffer as ArrayBuffer] };
    }
    case 'add':
      need(index, 'index').addBatch(request.seqs, request.vectors);
      return { reply: { op: 'add' }, transfer: [] };
    case 'save-index':
      return { reply: saveIndex(need(model, 'model'), need(index, 'index'), request.dir), transfer: [] };
  }
}

/** Builds the graph if the index is big enough (and has none yet) and writes both files under `dir`. */
function saveIndex(m: LsaModel, idx: VectorIndex, dir: string): WorkerReply {
  if (!idx.approximate && idx.size >= idx.options.annThreshold) idx.buildGraph();
  const vectorsPath = join(dir, vectorFileName(m.modelId));
  const graphPath = join(dir, graphFileName(m.modelId));
  const saved = idx.saveGraph(graphPath);
  const { seqs, vectors } = idx.exportVectors();
  writeVectorFile(vectorsPath, { modelId: m.modelId, dimensions: idx.dimensions, seqs, vectors, hasGraph: saved });
  return { op: 'save-index', vectorsPath, graphPath: saved ? graphPath : undefined };
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`semantic worker: no ${what} yet`);
  return value;
}

parentPort?.on('message', (message: WorkerRequest & { id: number }) => {
  try {
    const { reply, transfer } = handle(message);
    parentPort!.postMessage({ id: message.id, ok: true, reply }, transfer);
  } catch (error) {
    parentPort!.postMessage({ id: message.id, ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) });
  }
});
