/**
 * A compact multimap from string keys to paper seqs, for a bulk load that
 * answers its DOI and title-key lookups itself instead of through the
 * catalogue's indexes (see fts-build.ts). Only 32-bit hashes are kept — about
 * 16 bytes per key, where a Map of strings would hold the keys themselves —
 * so a lookup yields candidate seqs that the caller checks against the rows.
 */

const INITIAL_SLOTS = 1 << 16;

/** FNV-1a over UTF-16 code units, then a finaliser that spreads the bits (linear probing needs it). */
function hashOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h | 0;
}

export class KeyHashTable {
  private hashes = new Int32Array(INITIAL_SLOTS);
  /** 0 marks an empty slot (seqs start at 1). */
  private seqs = new Int32Array(INITIAL_SLOTS);
  private count = 0;

  add(key: string, seq: number): void {
    if ((this.count + 1) * 2 > this.seqs.length) this.grow();
    this.place(hashOf(key), seq);
    this.count++;
  }

  /** Every seq added under a key with the same hash: a superset of those added under `key`. */
  candidates(key: string, into: Set<number>): void {
    const h = hashOf(key);
    const mask = this.seqs.length - 1;
    for (let i = h & mask; this.seqs[i] !== 0; i = (i + 1) & mask) if (this.hashes[i] === h) into.add(this.seqs[i]!);
  }

  private place(h: number, seq: number): void {
    const mask = this.seqs.length - 1;
    let i = h & mask;
    while (this.seqs[i] !== 0) i = (i + 1) & mask;
    this.hashes[i] = h;
    this.seqs[i] = seq;
  }

  private grow(): void {
    const { hashes, seqs } = this;
    this.hashes = new Int32Array(seqs.length * 2);
    this.seqs = new Int32Array(seqs.length * 2);
    for (let i = 0; i < seqs.length; i++) if (seqs[i] !== 0) this.place(hashes[i]!, seqs[i]!);
  }
}
