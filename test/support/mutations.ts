/**
 * Seeded mutations of real fixtures for fuzz tests: a deterministic PRNG
 * makes every run identical, so a failure is reproducible from the printed
 * fixture, iteration and mutation list.
 */

/** mulberry32: a tiny, well-distributed 32-bit PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Characters that stress an XML tokenizer: astral, combining, RTL, BOM, NUL,
// C0/C1 controls, XML-forbidden non-characters and lone surrogates.
const ODD_CHARS = ['😀', '\u0301', '\u202e', '\ufeff', '\u0000', '\u000b', '\u0085', '\ufffe', '\uffff', '\ud800', '\udfff', 'ß', 'Ж', '中'];

export type Mutation = { name: string; apply: (text: string, rand: () => number) => string };

const at = (text: string, rand: () => number) => Math.floor(rand() * (text.length + 1));
const span = (rand: () => number) => 1 + Math.floor(rand() * 40);
const insert = (piece: string | ((rand: () => number) => string)): Mutation['apply'] => (text, rand) => {
  const i = at(text, rand);
  const s = typeof piece === 'string' ? piece : piece(rand);
  return text.slice(0, i) + s + text.slice(i);
};

export const MUTATIONS: Mutation[] = [
  {
    name: 'byte-flip',
    apply: (text, rand) => {
      // Flip one bit of the UTF-8 encoding, then decode leniently (U+FFFD), like a corrupt download.
      const bytes = Buffer.from(text, 'utf8');
      if (bytes.length === 0) return text;
      const i = Math.floor(rand() * bytes.length);
      bytes[i] = bytes[i]! ^ (1 << Math.floor(rand() * 8));
      return bytes.toString('utf8');
    },
  },
  {
    name: 'char-flip',
    apply: (text, rand) => {
      const i = Math.floor(rand() * text.length);
      return text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) ^ (1 << Math.floor(rand() * 7))) + text.slice(i + 1);
    },
  },
  {
    name: 'delete',
    apply: (text, rand) => {
      const i = at(text, rand);
      return text.slice(0, i) + text.slice(i + span(rand));
    },
  },
  {
    name: 'duplicate',
    apply: (text, rand) => {
      const i = at(text, rand);
      const piece = text.slice(i, i + span(rand) * 4);
      const j = at(text, rand);
      return text.slice(0, j) + piece + text.slice(j);
    },
  },
  { name: 'truncate', apply: (text, rand) => text.slice(0, at(text, rand)) },
  { name: 'insert-<', apply: insert('<') },
  { name: 'insert-&', apply: insert('&') },
  { name: 'insert-]]>', apply: insert(']]>') },
  { name: 'insert-unicode', apply: insert((rand) => ODD_CHARS[Math.floor(rand() * ODD_CHARS.length)]!) },
  // Plausible-but-wrong values inside otherwise good markup.
  { name: 'insert-tag', apply: insert((rand) => ['</title>', '<title>', '<entry>', '</record>', '<![CDATA[x', '<!-- '][Math.floor(rand() * 6)]!) },
  {
    name: 'swap-digits',
    apply: (text, rand) => text.replace(/\d/g, (d) => (rand() < 0.02 ? String(Math.floor(rand() * 10)) : d)),
  },
];

/** Applies 1–3 random mutations; returns the mutant and the names of what was applied. */
export function mutate(text: string, rand: () => number): { text: string; applied: string[] } {
  const applied: string[] = [];
  const count = 1 + Math.floor(rand() * 3);
  let out = text;
  for (let k = 0; k < count; k++) {
    const mutation = MUTATIONS[Math.floor(rand() * MUTATIONS.length)]!;
    out = mutation.apply(out, rand);
    applied.push(mutation.name);
  }
  return { text: out, applied };
}
