/**
 * The real text the synthetic corpus learns from, read at run time: titles and
 * abstracts of the bundled demo corpus, plus every abstract, title and author
 * name in `test/fixtures/formats` (Kaggle JSONL, arXiv Atom / OAI-PMH / RSS
 * XML, Hugging Face and Papers with Code JSON) when the fixtures are present.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_CORPUS_PATH, PACKAGE_ROOT } from '../src/config/paths.js';

export interface RealText {
  titles: string[];
  abstracts: string[];
  /** Full author names ("Given Family") found in the fixtures. */
  authorNames: string[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function xmlText(s: string): string {
  return s
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
    .replace(/&(amp|lt|gt|quot|apos);/g, (_m, e: string) => ENTITIES[e]!)
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/\s+/g, ' ')
    .trim();
}

function walkJson(value: unknown, out: RealText): void {
  if (Array.isArray(value)) return value.forEach((v) => walkJson(v, out));
  if (!value || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string' && (key === 'abstract' || key === 'summary') && v.length > 200) out.abstracts.push(xmlText(v));
    else if (typeof v === 'string' && key === 'title' && v.length > 15) out.titles.push(xmlText(v));
    else if (key === 'authors_parsed' && Array.isArray(v)) {
      for (const p of v as string[][]) out.authorNames.push(`${p[1] ?? ''} ${p[0] ?? ''}`.trim());
    } else if (key === 'authors' && Array.isArray(v)) {
      for (const a of v) {
        const name = typeof a === 'string' ? a : (a as { name?: unknown })?.name;
        if (typeof name === 'string') out.authorNames.push(name);
      }
    } else walkJson(v, out);
  }
}

function readFixture(path: string, out: RealText): void {
  const text = readFileSync(path, 'utf8');
  if (path.endsWith('.jsonl')) {
    for (const line of text.split('\n')) if (line.trim()) walkJson(JSON.parse(line), out);
  } else if (path.endsWith('.json')) {
    walkJson(JSON.parse(text), out);
  } else if (path.endsWith('.xml')) {
    for (const m of text.matchAll(/<(summary|abstract|dc:description|description)\b[^>]*>([\s\S]*?)<\/\1>/g)) {
      const body = xmlText(m[2]!).replace(/^.*?Abstract:\s*/, '');
      if (body.length > 200) out.abstracts.push(body);
    }
    for (const m of text.matchAll(/<(title|dc:title)\b[^>]*>([\s\S]*?)<\/\1>/g)) {
      const title = xmlText(m[2]!);
      if (title.length > 15 && !/^(arxiv|cs\.|oai)/i.test(title)) out.titles.push(title);
    }
    for (const m of text.matchAll(/<name>([^<]+)<\/name>/g)) out.authorNames.push(xmlText(m[1]!));
    for (const m of text.matchAll(/<keyname>([^<]+)<\/keyname>\s*<forenames>([^<]+)<\/forenames>/g)) {
      out.authorNames.push(`${xmlText(m[2]!)} ${xmlText(m[1]!)}`);
    }
  }
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

/** Real titles, abstracts and names: the demo corpus always, the test fixtures when present. */
export function loadRealText(root = PACKAGE_ROOT): RealText {
  const out: RealText = { titles: [], abstracts: [], authorNames: [] };
  const lines = readFileSync(DEMO_CORPUS_PATH, 'utf8').split('\n').slice(2);
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const title = lines[i]!.replace(/^Subscribe/, '').trim();
    const abstract = lines[i + 1]!.trim();
    if (title && abstract) {
      out.titles.push(title);
      out.abstracts.push(abstract);
    }
  }
  for (const file of listFiles(join(root, 'test', 'fixtures', 'formats'))) readFixture(file, out);
  out.authorNames = out.authorNames.map((n) => n.replace(/\s+/g, ' ').trim()).filter((n) => /^[\p{L}.' -]+$/u.test(n) && n.includes(' '));
  return out;
}
