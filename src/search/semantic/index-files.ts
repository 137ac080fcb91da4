/**
 * The index cache under the data directory: `<model>.vectors` (the seqs and
 * vectors of the index, so start-up does not re-read a million rows) and
 * `<model>.hnsw` (the usearch graph, which takes minutes to build). Both are
 * derived data: the database stays the source of truth, start-up reconciles
 * the cache with it, and a missing or unreadable cache is rebuilt from it.
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const MAGIC = 'PBVEC001';

export const vectorFileName = (modelId: string) => `${modelId}.vectors`;
export const graphFileName = (modelId: string) => `${modelId}.hnsw`;

export interface VectorFile {
  modelId: string;
  dimensions: number;
  seqs: Int32Array;
  vectors: Float32Array;
  /** Whether a graph file was written with these vectors. */
  hasGraph: boolean;
}

/** Writes the file part by part: at 1M papers, one concatenated buffer would be another 512 MB. */
export function writeVectorFile(path: string, file: VectorFile): void {
  const header = Buffer.from(JSON.stringify({ modelId: file.modelId, dimensions: file.dimensions, count: file.seqs.length, hasGraph: file.hasGraph }));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  const pad = Buffer.alloc((4 - ((12 + header.length) % 4)) % 4);
  const fd = openSync(path, 'w');
  try {
    for (const part of [Buffer.from(MAGIC), length, header, pad, view(file.seqs), view(file.vectors)]) {
      for (let at = 0; at < part.length; ) at += writeSync(fd, part, at, part.length - at);
    }
  } finally {
    closeSync(fd);
  }
}

export function decodeVectorFile(bytes: Buffer): VectorFile {
  if (bytes.toString('latin1', 0, 8) !== MAGIC) throw new Error('not a Paperboy vector file');
  const headerLength = bytes.readUInt32LE(8);
  const header = JSON.parse(bytes.toString('utf8', 12, 12 + headerLength)) as { modelId: string; dimensions: number; count: number; hasGraph: boolean };
  let at = 12 + headerLength;
  at += (4 - (at % 4)) % 4;
  const need = at + header.count * 4 * (1 + header.dimensions);
  if (bytes.length !== need) throw new Error(`vector file is ${bytes.length} bytes, expected ${need}`);
  // Views into the file's bytes, not copies (the header is padded so both start 4-byte aligned).
  if (bytes.byteOffset % 4 !== 0) bytes = Buffer.from(bytes);
  const seqs = new Int32Array(bytes.buffer, bytes.byteOffset + at, header.count);
  at += header.count * 4;
  const vectors = new Float32Array(bytes.buffer, bytes.byteOffset + at, header.count * header.dimensions);
  return { modelId: header.modelId, dimensions: header.dimensions, seqs, vectors, hasGraph: header.hasGraph };
}

/** The cached vectors of `modelId` in `dir`, or undefined if absent or unreadable. */
export function readVectorFile(dir: string, modelId: string): VectorFile | undefined {
  const path = join(dir, vectorFileName(modelId));
  if (!existsSync(path)) return undefined;
  try {
    const file = decodeVectorFile(readFileSync(path));
    return file.modelId === modelId ? file : undefined;
  } catch {
    return undefined;
  }
}

/** Deletes cache files of every model but `keep`. */
export function removeOtherModels(dir: string, keep: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if ((name.endsWith('.vectors') || name.endsWith('.hnsw')) && !name.startsWith(`${keep}.`)) rmSync(join(dir, name), { force: true });
  }
}

function view(a: Int32Array | Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}
