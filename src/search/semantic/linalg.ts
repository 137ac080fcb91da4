/**
 * The linear algebra of LSA training: a compressed sparse row matrix, sparse ×
 * dense products, and a randomized truncated SVD (Halko, Martinsson & Tropp
 * 2011, algorithms 4.4 + 5.1): Gaussian range sketch, subspace (power)
 * iterations, orthonormalisation, and a small dense eigenproblem. Dense
 * matrices are row-major Float64Arrays; only the l×l eigenproblem (l ≈ k + 16)
 * goes to ml-matrix.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** Rows are documents, columns terms. */
export interface CsrMatrix {
  rows: number;
  cols: number;
  rowStart: Int32Array; // rows + 1 offsets into colIndex / values
  colIndex: Int32Array;
  values: Float32Array;
}

/** Deterministic PRNG (mulberry32): the same seed trains the same model. */
export function createRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n standard normal draws (Box–Muller). */
export function gaussian(n: number, random: () => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - random()));
    const phi = 2 * Math.PI * random();
    out[i] = r * Math.cos(phi);
    if (i + 1 < n) out[i + 1] = r * Math.sin(phi);
  }
  return out;
}

// The kernels below are unrolled four ways by hand: V8 does not vectorise, and
// folding four rows into one pass over the output quarters the loads and
// stores of the accumulator, which is what bounds these loops (≈2× measured).

/** A (rows×cols, sparse) × X (cols×l) → rows×l. */
export function multiply(a: CsrMatrix, x: Float64Array, l: number): Float64Array {
  const y = new Float64Array(a.rows * l);
  const { rowStart, colIndex, values } = a;
  for (let r = 0; r < a.rows; r++) {
    const yo = r * l;
    const end = rowStart[r + 1]!;
    let p = rowStart[r]!;
    for (; p + 3 < end; p += 4) {
      const v0 = values[p]!, v1 = values[p + 1]!, v2 = values[p + 2]!, v3 = values[p + 3]!;
      const o0 = colIndex[p]! * l, o1 = colIndex[p + 1]! * l, o2 = colIndex[p + 2]! * l, o3 = colIndex[p + 3]! * l;
      for (let c = 0; c < l; c++) y[yo + c]! += v0 * x[o0 + c]! + v1 * x[o1 + c]! + v2 * x[o2 + c]! + v3 * x[o3 + c]!;
    }
    for (; p < end; p++) {
      const v = values[p]!;
      const o = colIndex[p]! * l;
      for (let c = 0; c < l; c++) y[yo + c]! += v * x[o + c]!;
    }
  }
  return y;
}

/** Aᵀ as a CSR matrix of its own (a counting sort), so Aᵀ × Y runs the same gathering kernel as A × X. */
export function transpose(a: CsrMatrix): CsrMatrix {
  const nnz = a.rowStart[a.rows]!;
  const rowStart = new Int32Array(a.cols + 1);
  for (let p = 0; p < nnz; p++) rowStart[a.colIndex[p]! + 1]!++;
  for (let c = 0; c < a.cols; c++) rowStart[c + 1]! += rowStart[c]!;
  const next = rowStart.slice(0, a.cols);
  const colIndex = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  for (let r = 0; r < a.rows; r++) {
    for (let p = a.rowStart[r]!, end = a.rowStart[r + 1]!; p < end; p++) {
      const q = next[a.colIndex[p]!]!++;
      colIndex[q] = r;
      values[q] = a.values[p]!;
    }
  }
  return { rows: a.cols, cols: a.rows, rowStart, colIndex, values };
}

/** XᵀX (l×l) of a row-major n×l matrix. */
export function gram(x: Float64Array, n: number, l: number): Float64Array {
  const g = new Float64Array(l * l);
  let r = 0;
  for (; r + 3 < n; r += 4) {
    const o0 = r * l, o1 = o0 + l, o2 = o1 + l, o3 = o2 + l;
    for (let i = 0; i < l; i++) {
      const a0 = x[o0 + i]!, a1 = x[o1 + i]!, a2 = x[o2 + i]!, a3 = x[o3 + i]!;
      const go = i * l;
      for (let j = i; j < l; j++) g[go + j]! += a0 * x[o0 + j]! + a1 * x[o1 + j]! + a2 * x[o2 + j]! + a3 * x[o3 + j]!;
    }
  }
  for (; r < n; r++) {
    const o = r * l;
    for (let i = 0; i < l; i++) {
      const a = x[o + i]!;
      for (let j = i; j < l; j++) g[i * l + j]! += a * x[o + j]!;
    }
  }
  for (let i = 0; i < l; i++) for (let j = 0; j < i; j++) g[i * l + j] = g[j * l + i]!;
  return g;
}

/** Eigenpairs of a symmetric l×l matrix, largest first; vectors are the columns of a row-major l×l array. */
export function symmetricEigen(g: Float64Array, l: number): { values: Float64Array; vectors: Float64Array } {
  const rows = Array.from({ length: l }, (_, i) => Array.from(g.subarray(i * l, (i + 1) * l)));
  const eig = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const ascending = eig.realEigenvalues;
  const w = eig.eigenvectorMatrix;
  const values = new Float64Array(l);
  const vectors = new Float64Array(l * l);
  for (let c = 0; c < l; c++) {
    const from = l - 1 - c;
    values[c] = ascending[from]!;
    for (let r = 0; r < l; r++) vectors[r * l + c] = w.get(r, from);
  }
  return { values, vectors };
}

/** X (n×l) × M (l×m) → n×m. */
export function multiplyDense(x: Float64Array, n: number, l: number, m: Float64Array, mCols: number): Float64Array {
  const out = new Float64Array(n * mCols);
  for (let r = 0; r < n; r++) {
    const xo = r * l;
    const oo = r * mCols;
    let i = 0;
    for (; i + 3 < l; i += 4) {
      const a0 = x[xo + i]!, a1 = x[xo + i + 1]!, a2 = x[xo + i + 2]!, a3 = x[xo + i + 3]!;
      const m0 = i * mCols, m1 = m0 + mCols, m2 = m1 + mCols, m3 = m2 + mCols;
      for (let j = 0; j < mCols; j++) out[oo + j]! += a0 * m[m0 + j]! + a1 * m[m1 + j]! + a2 * m[m2 + j]! + a3 * m[m3 + j]!;
    }
    for (; i < l; i++) {
      const a = x[xo + i]!;
      const mo = i * mCols;
      for (let j = 0; j < mCols; j++) out[oo + j]! += a * m[mo + j]!;
    }
  }
  return out;
}

/**
 * Orthonormal basis of the columns of X (n×l) by the Gram eigen-method
 * (X W Λ^-½), applied twice like CholeskyQR2 so orthogonality is kept to
 * working precision. Unlike Cholesky it survives rank deficiency (a corpus
 * with fewer distinct documents than l): null directions become zero columns.
 */
export function orthonormalize(x: Float64Array, n: number, l: number, passes = 2): Float64Array {
  let q = x;
  for (let pass = 0; pass < passes; pass++) {
    const { values, vectors } = symmetricEigen(gram(q, n, l), l);
    const floor = Math.max(values[0]!, 0) * 1e-10;
    for (let c = 0; c < l; c++) {
      const scale = values[c]! > floor && values[c]! > 0 ? 1 / Math.sqrt(values[c]!) : 0;
      for (let r = 0; r < l; r++) vectors[r * l + c]! *= scale;
    }
    q = multiplyDense(q, n, l, vectors, l);
  }
  return q;
}

export interface TruncatedSvd {
  /** Singular values, largest first (k of them). */
  sigma: Float64Array;
  /** Right singular vectors as a row-major cols×k matrix. */
  v: Float64Array;
  k: number;
}

/**
 * Top-k singular triplets of A by randomized subspace iteration with
 * `oversample` extra columns. One orthonormalisation pass per step suffices:
 * its loss of orthogonality grows with the squared condition number of the
 * block, which the power iterations keep far below 1/√ε in float64.
 */
export function randomizedSvd(a: CsrMatrix, k: number, options: { oversample: number; powerIterations: number; seed: number }): TruncatedSvd {
  const l = Math.min(k + options.oversample, a.rows, a.cols);
  const at = transpose(a);
  const random = createRandom(options.seed);
  let q = orthonormalize(multiply(a, gaussian(a.cols * l, random), l), a.rows, l, 1);
  for (let i = 0; i < options.powerIterations; i++) {
    const z = orthonormalize(multiply(at, q, l), a.cols, l, 1);
    q = orthonormalize(multiply(a, z, l), a.rows, l, 1);
  }
  // B = Qᵀ A is l×cols; with Z = Aᵀ Q = Bᵀ, B Bᵀ = Zᵀ Z = U Λ Uᵀ and V = Z U Σ⁻¹.
  const z = multiply(at, q, l);
  const { values, vectors } = symmetricEigen(gram(z, a.cols, l), l);
  const top = values[0]! > 0 ? values[0]! : 1;
  let rank = 0;
  while (rank < Math.min(k, l) && values[rank]! > top * 1e-12) rank++;
  const sigma = new Float64Array(rank);
  const u = new Float64Array(l * rank);
  for (let c = 0; c < rank; c++) {
    sigma[c] = Math.sqrt(values[c]!);
    for (let r = 0; r < l; r++) u[r * rank + c] = vectors[r * l + c]! / sigma[c]!;
  }
  return { sigma, v: multiplyDense(z, a.cols, l, u, rank), k: rank };
}
