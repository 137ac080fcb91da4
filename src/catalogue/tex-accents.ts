/**
 * arXiv metadata spells accented names in TeX (`Bal\'azs`, `M\"uller`,
 * `{\o}stergaard`). Readers and search need the Unicode letters.
 */

const COMBINING: Record<string, string> = {
  "'": '\u0301',
  '`': '\u0300',
  '^': '\u0302',
  '"': '\u0308',
  '~': '\u0303',
  '=': '\u0304',
  '.': '\u0307',
  u: '\u0306',
  v: '\u030C',
  H: '\u030B',
  c: '\u0327',
  k: '\u0328',
  r: '\u030A',
};

const LETTERS: Record<string, string> = {
  o: 'ø', O: 'Ø', aa: 'å', AA: 'Å', ae: 'æ', AE: 'Æ', oe: 'œ', OE: 'Œ',
  ss: 'ß', l: 'ł', L: 'Ł', i: 'ı', j: 'ȷ', dh: 'ð', DH: 'Ð', th: 'þ', TH: 'Þ',
};

// \'a  \'{a}  {\'a}  \v{s}  \c c  — symbol accents take the next letter directly;
// letter accents (\v, \c …) need braces or a space.
const SYMBOL_ACCENT = /\{?\\(['`^"~=.])\s*\{?\s*(\\?[A-Za-z])\s*\}?\}?/g;
const LETTER_ACCENT = /\{?\\([uvHckr])(?:\s*\{\s*(\\?[A-Za-z])\s*\}|\s+([A-Za-z]))\}?/g;
const SPECIAL_LETTER = /\{\\(aa|AA|ae|AE|oe|OE|ss|o|O|l|L|i|j|dh|DH|th|TH)\}|\\(aa|AA|ae|AE|oe|OE|ss|o|O|l|L|i|j)(?![A-Za-z])\s?/g;

function accent(mark: string, letter: string): string {
  const base = letter === '\\i' ? 'i' : letter === '\\j' ? 'j' : letter;
  const combining = COMBINING[mark];
  return combining ? (base + combining).normalize('NFC') : base;
}

export function decodeTexAccents(text: string): string {
  if (!text.includes('\\')) return text;
  return text
    .replace(SYMBOL_ACCENT, (_m, mark: string, letter: string) => accent(mark, letter))
    .replace(LETTER_ACCENT, (_m, mark: string, braced?: string, spaced?: string) => accent(mark, braced ?? spaced ?? ''))
    .replace(SPECIAL_LETTER, (_m, braced?: string, bare?: string) => LETTERS[braced ?? bare ?? ''] ?? _m);
}
