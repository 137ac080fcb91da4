/**
 * What the semantic index needs from a model: text in, a fixed-length unit
 * vector out. The built-in implementation is LSA learned from our own
 * catalogue (lsa-model.ts), so semantic search works with no download and no
 * network, ever.
 *
 * Optional: an operator-provided local sentence-embedding model
 * ---------------------------------------------------------------
 * An operator who has a sentence-embedding model file on disk (e.g. an ONNX
 * export of a MiniLM-class encoder plus its `tokenizer.json`) may, in a later
 * release, point Paperboy at it. The contract is fixed here so that the rest
 * of the search code does not change when it lands:
 *  - the model is loaded from a local path the operator configured; nothing is
 *    ever fetched (no hub, no CDN) — a missing file is an error, not a download;
 *  - the runtime package (`onnxruntime-node`) is an optional dependency, loaded
 *    with a dynamic `import()` only when a path is configured, so installs that
 *    do not use it carry nothing extra;
 *  - `modelId` must change whenever the file changes (e.g. include its hash), so
 *    vectors from one model are never compared with another's.
 * Until then `loadLocalModelEmbedder` throws `EmbedderNotConfiguredError`.
 */

export interface Embedder {
  /** Identifies the model that produced a vector; vectors of different models never mix. */
  readonly modelId: string;
  readonly dimensions: number;
  /** L2-normalised embedding of free text (a query); the zero vector if no term is known. */
  embed(text: string): Float32Array;
  /** L2-normalised embedding of a paper; models may weigh the title more than the abstract. */
  embedPaper(title: string, abstract: string | null): Float32Array;
}

export class EmbedderNotConfiguredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbedderNotConfiguredError';
  }
}

export interface LocalModelOptions {
  /** Path of a local model file (e.g. `model.onnx`); never a URL. */
  modelPath?: string;
  /** Path of the tokenizer definition that goes with it. */
  tokenizerPath?: string;
}

/**
 * The optional path for an operator-provided local embedding model (see the
 * header). Not implemented in this release: it always throws, with a message
 * that says what to do instead, and it never touches the network.
 */
export async function loadLocalModelEmbedder(options: LocalModelOptions): Promise<Embedder> {
  if (!options.modelPath) {
    throw new EmbedderNotConfiguredError('no local embedding model is configured; semantic search uses the LSA model trained on the catalogue');
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(options.modelPath)) {
    throw new EmbedderNotConfiguredError(`embedding model path must be a local file, not a URL: ${options.modelPath}`);
  }
  throw new EmbedderNotConfiguredError(
    `local embedding models (${options.modelPath}) are not supported by this version of Paperboy; ` +
      'semantic search uses the LSA model trained on the catalogue',
  );
}

/** Dot product of two vectors of the same length (cosine similarity for unit vectors). */
export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** Scales `v` to unit length in place; leaves the zero vector alone. Returns whether it was non-zero. */
export function normalize(v: Float32Array): boolean {
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += v[i]! * v[i]!;
  if (norm === 0) return false;
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < v.length; i++) v[i]! *= scale;
  return true;
}
