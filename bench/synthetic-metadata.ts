/**
 * The metadata side of the synthetic corpus: authors (real name parts, some
 * spelled in TeX), categories with a realistic mix that shifts towards
 * machine learning over the years, journal references, DOIs, comments.
 */
import { decodeTexAccents } from '../src/catalogue/tex-accents.js';
import { pick, type Random } from './synthetic-text.js';

/** A weighted table sampled in O(log n). */
export class Weighted<T> {
  private readonly cumulative: number[] = [];
  private readonly items: T[] = [];
  private total = 0;
  constructor(entries: Array<[T, number]>) {
    for (const [item, weight] of entries) {
      this.total += weight;
      this.items.push(item);
      this.cumulative.push(this.total);
    }
  }
  sample(random: Random): T {
    const x = random() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }
}

// ---------------------------------------------------------------- authors

const GIVEN = `Wei Jing Yu Hao Xin Lei Min Jun Hui Yan Ming Ji-Woo Seung-Hyun Hiroshi Yuki Takeshi Akira Priya Rahul
Anil Sanjay Aditya Ananya Mohammed Ahmed Fatima Omar Ali Maria Anna Elena Sofia Laura Julia Sara Marco Luca Giulia
Francesco Alessandro Thomas Michael David John James Robert Daniel Andrew Christopher Matthew Sarah Emily Jessica
Jennifer Peter Paul Mark Stefan Andreas Markus Tobias Jan Lukas Sebastian Pierre Jean Nicolas Camille Olivier Ivan
Dmitry Sergey Alexei Natalia Olga Piotr Tomasz Katarzyna Erik Lars Anders Ingrid Carlos Juan Pablo Diego Ana Lucia
Rafael Gabriel Mateus Kwame Chidi Amara Yosef Noa Tamar Arash Reza Leila Mehmet Elif Nguyen Linh Minh`.split(/\s+/);

const FAMILY = `Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo Lin He Gao Luo Kim Lee Park Choi
Jung Kang Tanaka Suzuki Sato Watanabe Yamamoto Nakamura Kumar Singh Sharma Gupta Patel Reddy Rao Iyer Das Khan
Ahmed Hassan Ali Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Jackson
White Harris Clark Lewis Walker Hall Young Allen King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell
Roberts Carter Phillips Evans Turner Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Schmidt Schneider
Fischer Weber Meyer Wagner Becker Hoffmann Koch Richter Klein Wolf Neumann Dubois Bernard Durand Lefebvre Moreau
Laurent Simon Michel Petit Ivanov Petrov Smirnov Kuznetsov Popov Volkov Nowak Kowalski Wojcik Jensen Nielsen Hansen
Andersson Johansson Karlsson Silva Santos Oliveira Souza Costa Pereira Cohen Levi Mizrahi Nguyen Tran Pham Le Hoang
Yilmaz Kaya Demir Mensah Okafor Adeyemi Van-der-Berg Del-Maestro O'Brien McDonald`.split(/\s+/).map((n) => n.replace(/-/g, ' '));

/** TeX spellings, as the snapshot's `authors` field has them. */
const TEX_FAMILY = [
  "M\\\"uller", "Bal\\'azs", "Garc\\'{\\i}a", "Jim\\'enez", "Mart\\'inez", "Gonz\\'alez", "L\\'opez", "P\\'erez",
  "S\\'anchez", "Rodr\\'iguez", "Sch\\\"afer", "Sch\\\"utz", "J\\\"ager", "Erd\\H{o}s", "Dvo\\v{r}\\'ak", "Nov\\'ak",
  "Ko\\v{c}i", "Pe\\~na", "{\\O}stergaard", "H\\\"ogberg", "Stra\\ss{}er", "W\\'ojcik", "\\L{}ukasik", "Fran\\c{c}a",
  "B\\'erard", "L\\'evy", "Bront\\\"e", "Gr\\'egoire", "C\\^ot\\'e", "Y\\i{}lmaz",
];
const TEX_GIVEN = ["Jos\\'e", "Ren\\'e", "J\\'er\\^ome", "Fran\\c{c}ois", "S{\\o}ren", "J\\\"urgen", "Ma\\l{}gorzata", "In\\'es", "Bj\\\"orn", "Andr\\'e"];

export interface AuthorPools {
  given: string[];
  family: string[];
}

/** Name parts from the real names found in the fixtures, plus a broad built-in list. */
export function authorPools(realNames: string[]): AuthorPools {
  const given = new Set(GIVEN);
  const family = new Set(FAMILY);
  for (const name of realNames) {
    const parts = name.split(' ');
    const last = parts.pop()!;
    if (last.length > 1 && !last.endsWith('.')) family.add(last);
    const first = parts[0];
    if (first && first.length > 2 && !first.endsWith('.')) given.add(first);
  }
  return { given: [...given], family: [...family] };
}

export interface Author {
  tex: string;
  /** [family, given, suffix] in Unicode, as `authors_parsed` has it. */
  parsed: [string, string, string];
}

const AUTHOR_COUNT = new Weighted<[number, number]>([
  [[1, 1], 11], [[2, 2], 19], [[3, 3], 20], [[4, 4], 15], [[5, 5], 10], [[6, 10], 18], [[11, 20], 5], [[21, 32], 2],
]);

export function sampleAuthors(random: Random, pools: AuthorPools, scale = 1): Author[] {
  const [lo, hi] = AUTHOR_COUNT.sample(random);
  const count = Math.min(60, Math.round((lo + Math.floor(random() * (hi - lo + 1))) * scale));
  const authors: Author[] = [];
  for (let i = 0; i < count; i++) {
    const r = random();
    const familyTex = r < 0.06 ? pick(random, TEX_FAMILY) : pick(random, pools.family);
    let givenTex = random() < 0.03 ? pick(random, TEX_GIVEN) : pick(random, pools.given);
    const style = random();
    if (style < 0.25) givenTex = `${givenTex[0]}.`;
    else if (style < 0.33) givenTex = `${givenTex[0]}. ${pick(random, pools.given)[0]}.`;
    else if (style < 0.35) givenTex = `${givenTex[0]}.-${pick(random, pools.given)[0]}.`;
    const suffix = random() < 0.005 ? 'Jr' : '';
    authors.push({
      tex: `${givenTex} ${familyTex}${suffix ? `, ${suffix}` : ''}`,
      parsed: [decodeTexAccents(familyTex), decodeTexAccents(givenTex), suffix],
    });
  }
  return authors;
}

export function joinAuthors(random: Random, authors: Author[]): string {
  const names = authors.map((a) => a.tex);
  if (names.length > 1 && random() < 0.5) return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return names.join(', ');
}

// ---------------------------------------------------------------- categories

type Family = 'ml' | 'cs' | 'hep' | 'astro' | 'condmat' | 'quant' | 'math' | 'stat' | 'other';

const FAMILIES: Record<Family, Array<[string, number]>> = {
  ml: [['cs.LG', 30], ['cs.CV', 22], ['cs.CL', 16], ['cs.AI', 9], ['stat.ML', 6], ['cs.RO', 5], ['cs.IR', 3], ['cs.NE', 2], ['eess.IV', 3], ['eess.AS', 1], ['cs.SD', 1], ['cs.HC', 2]],
  cs: [['cs.CR', 14], ['cs.DC', 10], ['cs.NI', 9], ['cs.SE', 10], ['cs.DS', 9], ['cs.IT', 12], ['cs.LO', 6], ['cs.PL', 5], ['cs.DB', 5], ['cs.GT', 5], ['cs.SY', 5], ['eess.SY', 5], ['eess.SP', 10], ['cs.CY', 5], ['cs.DM', 4], ['cs.SI', 6], ['cs.CC', 3], ['cs.FL', 2]],
  hep: [['hep-ph', 36], ['hep-th', 32], ['hep-ex', 10], ['hep-lat', 5], ['gr-qc', 14], ['nucl-th', 6], ['nucl-ex', 3]],
  astro: [['astro-ph.GA', 24], ['astro-ph.CO', 18], ['astro-ph.SR', 20], ['astro-ph.HE', 18], ['astro-ph.EP', 10], ['astro-ph.IM', 10]],
  condmat: [['cond-mat.mes-hall', 20], ['cond-mat.mtrl-sci', 22], ['cond-mat.str-el', 16], ['cond-mat.stat-mech', 14], ['cond-mat.supr-con', 7], ['cond-mat.soft', 10], ['cond-mat.quant-gas', 6], ['cond-mat.dis-nn', 5], ['physics.optics', 10], ['physics.app-ph', 6], ['physics.comp-ph', 4]],
  quant: [['quant-ph', 80], ['physics.atom-ph', 8], ['physics.optics', 8], ['math-ph', 4]],
  math: [['math.AP', 12], ['math.PR', 11], ['math.CO', 12], ['math.AG', 9], ['math.NT', 7], ['math.OC', 10], ['math.DS', 7], ['math.NA', 9], ['math.FA', 6], ['math.DG', 6], ['math.GT', 4], ['math.RT', 4], ['math.GR', 4], ['math.CA', 3], ['math-ph', 6]],
  stat: [['stat.ME', 35], ['stat.ML', 20], ['stat.AP', 15], ['math.ST', 15], ['stat.CO', 8], ['econ.EM', 7]],
  other: [['physics.soc-ph', 12], ['physics.flu-dyn', 14], ['physics.chem-ph', 10], ['physics.bio-ph', 8], ['physics.ins-det', 8], ['physics.plasm-ph', 6], ['q-bio.NC', 10], ['q-bio.QM', 8], ['q-bio.PE', 6], ['q-fin.ST', 4], ['econ.GN', 5], ['econ.TH', 4], ['nlin.CD', 5]],
};

/** Family shares around 2007 and around 2026; eras in between interpolate. */
const SHARE_2007: Record<Family, number> = { ml: 4, cs: 8, hep: 20, astro: 15, condmat: 18, quant: 7, math: 20, stat: 3, other: 5 };
const SHARE_2026: Record<Family, number> = { ml: 38, cs: 12, hep: 7, astro: 7, condmat: 8, quant: 6, math: 12, stat: 4, other: 6 };

const familyTables = new Map<Family, Weighted<string>>(
  (Object.keys(FAMILIES) as Family[]).map((f) => [f, new Weighted(FAMILIES[f])]),
);
const ALL_CATEGORIES = [...new Set(Object.values(FAMILIES).flatMap((list) => list.map(([c]) => c)))];
const CROSS_COUNT = new Weighted<number>([[0, 45], [1, 30], [2, 17], [3, 8]]);

/** One weighted family table per year, 2007..2026. */
const ERA_TABLES = Array.from({ length: 20 }, (_v, i) => {
  const t = i / 19;
  return new Weighted((Object.keys(SHARE_2007) as Family[]).map((f) => [f, SHARE_2007[f] * (1 - t) + SHARE_2026[f] * t]));
});

export function sampleCategories(random: Random, year: number, primary?: string): string[] {
  let family: Family;
  if (primary) family = familyOf(primary);
  else {
    family = ERA_TABLES[Math.min(19, Math.max(0, year - 2007))]!.sample(random);
    primary = familyTables.get(family)!.sample(random);
  }
  const out = [primary];
  const wanted = 1 + CROSS_COUNT.sample(random);
  for (let tries = 0; out.length < wanted && tries < 12; tries++) {
    const c = random() < 0.8 ? familyTables.get(family)!.sample(random) : pick(random, ALL_CATEGORIES);
    if (!out.includes(c)) out.push(c);
  }
  if (primary === 'cs.IT' && !out.includes('math.IT')) out.push('math.IT');
  return out;
}

/** Old-style archives (before April 2007) with their share and the category they imply. */
export const OLD_ARCHIVES = new Weighted<[string, string]>([
  [['hep-th', 'hep-th'], 16], [['hep-ph', 'hep-ph'], 16], [['astro-ph', 'astro-ph'], 20], [['cond-mat', 'cond-mat.str-el'], 22],
  [['gr-qc', 'gr-qc'], 6], [['quant-ph', 'quant-ph'], 9], [['math.AG', 'math.AG'], 3], [['math.PR', 'math.PR'], 2],
  [['math.GT', 'math.GT'], 1], [['nucl-th', 'nucl-th'], 3], [['hep-ex', 'hep-ex'], 2], [['physics', 'physics.optics'], 4],
  [['cs.LG', 'cs.LG'], 1], [['math-ph', 'math-ph'], 2],
]);

// ---------------------------------------------------------------- publication details

/** `serial` makes every DOI unique; `y` is the publication year. */
type Journal = { ref: (vol: number, page: number, y: number) => string; doi?: (vol: number, serial: string, y: number) => string };
const JOURNALS: Record<Family, Journal[]> = {
  hep: [
    { ref: (v, p, y) => `Phys.Rev.D${v}:${p},${y}`, doi: (v, s) => `10.1103/PhysRevD.${v}.${s}` },
    { ref: (_v, p, y) => `JHEP ${String(y).slice(2)}${String(1 + (p % 12)).padStart(2, '0')}:${p % 300},${y}`, doi: (_v, s, y) => `10.1007/JHEP${String(1 + (Number(s) % 12)).padStart(2, '0')}(${y})${s}` },
    { ref: (v, p, y) => `Nucl.Phys.B${v}:${p}-${p + 30},${y}`, doi: (_v, s, y) => `10.1016/j.nuclphysb.${y}.${s}` },
  ],
  astro: [
    { ref: (v, p, y) => `Astrophys.J. ${v}:${p},${y}`, doi: (_v, s) => `10.3847/1538-4357/a${s}` },
    { ref: (v, p, y) => `Mon.Not.Roy.Astron.Soc. ${v}:${p}-${p + 12},${y}`, doi: (_v, s) => `10.1093/mnras/stab${s}` },
  ],
  condmat: [
    { ref: (v, p, y) => `Phys. Rev. B ${v}, ${p} (${y})`, doi: (v, s) => `10.1103/PhysRevB.${v}.${s}` },
    { ref: (v, p, y) => `Nature Materials ${v}, ${p}-${p + 6} (${y})`, doi: (_v, s, y) => `10.1038/s41563-0${String(y).slice(2)}-${s}-x` },
  ],
  quant: [{ ref: (v, p, y) => `Phys. Rev. Lett. ${v}, ${p} (${y})`, doi: (v, s) => `10.1103/PhysRevLett.${v}.${s}` }, { ref: (v, p, y) => `Quantum ${v}, ${p} (${y})`, doi: (_v, s, y) => `10.22331/q-${y}-${s}` }],
  math: [
    { ref: (v, p, y) => `Math. Ann. ${v} (${y}) ${p}-${p + 25}`, doi: (_v, s, y) => `10.1007/s00208-0${String(y).slice(2)}-${s}-1` },
    { ref: (v, p, y) => `J. Funct. Anal. ${v} (${y}) ${p}`, doi: (_v, s, y) => `10.1016/j.jfa.${y}.${s}` },
  ],
  ml: [
    { ref: (_v, _p, y) => `Proceedings of the International Conference on Machine Learning (ICML ${y})` },
    { ref: (_v, _p, y) => `Advances in Neural Information Processing Systems (NeurIPS ${y})` },
    { ref: (v, p, y) => `IEEE Transactions on Pattern Analysis and Machine Intelligence ${v} (${y}) ${p}`, doi: (_v, s, y) => `10.1109/TPAMI.${y}.${s}` },
    { ref: (_v, p, y) => `Findings of ACL ${y}, pages ${p}-${p + 14}`, doi: (_v, s, y) => `10.18653/v1/${y}.findings-acl.${s}` },
  ],
  cs: [{ ref: (v, p, y) => `IEEE Trans. Inf. Theory ${v} (${y}) ${p}`, doi: (_v, s, y) => `10.1109/TIT.${y}.${s}` }, { ref: (v, p, y) => `J. ACM ${v} (${y}) ${p}`, doi: (v, s) => `10.1145/${v}${s}` }],
  stat: [{ ref: (v, p, y) => `Ann. Statist. ${v} (${y}) ${p}-${p + 30}`, doi: (_v, s, y) => `10.1214/${String(y).slice(2)}-AOS${s}` }],
  other: [{ ref: (v, p, y) => `J. Fluid Mech. ${v} (${y}) A${p}`, doi: (_v, s, y) => `10.1017/jfm.${y}.${s}` }],
};

export function familyOf(category: string): Family {
  return (Object.keys(FAMILIES) as Family[]).find((f) => FAMILIES[f].some(([c]) => c === category)) ?? (category.startsWith('astro') ? 'astro' : category.startsWith('cond-mat') ? 'condmat' : 'hep');
}

/** ~25% DOI, ~20% journal-ref (mostly the same papers). `serial` is unique per paper. */
export function publication(random: Random, category: string, year: number, serial: number): { doi: string | null; journalRef: string | null } {
  const journal = pick(random, JOURNALS[familyOf(category)]);
  const vol = 40 + (year - 2000) * 3 + Math.floor(random() * 3);
  const page = 1 + Math.floor(random() * 9000);
  const serialText = String(serial).padStart(6, '0');
  const r = random();
  const hasDoi = r < 0.25;
  const hasRef = hasDoi ? random() < 0.6 : random() < 0.067;
  const doi = hasDoi ? (journal.doi ?? JOURNALS.hep[0]!.doi!)(vol, serialText, year) : null;
  return { doi, journalRef: hasRef ? journal.ref(vol, page, year) : null };
}

const COMMENT_TAILS = ['', '', '', '; published version', '; accepted for publication', '; v2: minor corrections', ', to appear in the proceedings', '; revised version with new appendix'];

export function sampleComments(random: Random): string | null {
  const r = random();
  if (r < 0.22) return null;
  if (r < 0.3) return pick(random, ['To appear in Phys. Rev. D', 'Accepted at ICLR 2025', 'Accepted to CVPR 2024', 'Conference paper', 'Submitted to JHEP', 'Published in Nature Communications', 'Withdrawn by the authors', 'Extended version of the conference paper']);
  const pages = 4 + Math.floor(random() * random() * 60);
  const figures = Math.floor(random() * 14);
  const tables = random() < 0.25 ? `, ${1 + Math.floor(random() * 6)} tables` : '';
  return `${pages} pages${figures ? `, ${figures} figure${figures > 1 ? 's' : ''}` : ''}${tables}${pick(random, COMMENT_TAILS)}`;
}

export const LICENSES = new Weighted<string | null>([
  [null, 30], ['http://arxiv.org/licenses/nonexclusive-distrib/1.0/', 45], ['http://creativecommons.org/licenses/by/4.0/', 17],
  ['http://creativecommons.org/licenses/by-nc-sa/4.0/', 3], ['http://creativecommons.org/licenses/by-sa/4.0/', 2], ['http://creativecommons.org/publicdomain/zero/1.0/', 3],
]);
