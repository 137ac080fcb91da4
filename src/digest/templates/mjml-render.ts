/**
 * MJML → HTML for mail: table layout, inlined styles, responsive down to
 * 320 px. Compiling costs ~15 ms, so templates are compiled with their values
 * (paper text, links, addresses) as slots and the result is cached by source:
 * mails of the same shape share one compilation and differ only by the
 * filled-in, escaped slots. Slot markers carry a per-process random nonce, so
 * text inside a paper (which is escaped anyway) can never impersonate one.
 */
import { createHash, randomBytes } from 'node:crypto';
import mjml2html from 'mjml';
import { escapeHtml } from '../../text/escape-html.js';
import { raw, SafeHtml } from '../../web/html.js';

const NONCE = randomBytes(6).toString('hex');
const CACHE_SIZE = 200;
const cache = new Map<string, string>();

/** A placeholder for a value (letters and digits in its name), to be filled after compilation with `fillSlots`. */
export function slot(name: string): SafeHtml {
  return raw(`pbslot${NONCE}_${name}_`);
}

const SLOT_MARKER = new RegExp(`pbslot${NONCE}_([A-Za-z0-9]+)_`, 'g');

function slotValue(values: Record<string, string | SafeHtml>, name: string): string {
  const value = values[name];
  if (value === undefined) throw new Error(`mail template slot "${name}" has no value`);
  return value instanceof SafeHtml ? value.value : escapeHtml(value);
}

/**
 * Replaces every slot with its value: a string is HTML-escaped (it may sit in
 * text or in a quoted attribute); a SafeHtml — built by the escaping `html`
 * template — goes in as it is.
 */
export function fillSlots(compiled: string, values: Record<string, string | SafeHtml>): string {
  return compiled.replace(SLOT_MARKER, (_marker, name: string) => slotValue(values, name));
}

/** Compiled HTML cut at its slots: literal text at even indices, slot names at odd ones. */
export interface SlottedHtml {
  readonly parts: readonly string[];
}

/** Cuts compiled HTML at its slots once, so that filling it per recipient is a join rather than a scan of the whole mail. */
export function splitSlots(compiled: string): SlottedHtml {
  return { parts: compiled.split(SLOT_MARKER) };
}

/** `fillSlots` for HTML already cut by `splitSlots`; the same result. */
export function fillSplit(template: SlottedHtml, values: Record<string, string | SafeHtml>): string {
  const { parts } = template;
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) out += slotValue(values, parts[i]!) + parts[i + 1]!;
  return out;
}

/** Colour-scheme meta tags: MJML has no element for them, and without them some clients invert colours badly. */
function addColorSchemeMeta(html: string): string {
  return html.replace(/<head>/i, '<head>\n<meta name="color-scheme" content="light dark">\n<meta name="supported-color-schemes" content="light dark">');
}

/** Compiles MJML (strictly validated: a template mistake is a bug, not a degraded mail), cached by source. */
export async function compileMjml(source: string): Promise<string> {
  const key = createHash('sha256').update(source).digest('base64url');
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  // No web fonts (no tracking fetches, nothing to load offline); includes are never followed.
  const result = await mjml2html(source, { validationLevel: 'strict', fonts: {}, keepComments: false, ignoreIncludes: true });
  if (result.errors.length > 0) throw new Error(`mail template: ${result.errors.map((e) => e.formattedMessage).join('; ')}`);
  // MJML indents generously; the indentation is a fifth of the size, and Gmail clips mail over 102 KB.
  const html = addColorSchemeMeta(result.html.replace(/\n[ \t]+/g, '\n').replace(/\n{2,}/g, '\n'));
  cache.set(key, html);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return html;
}
