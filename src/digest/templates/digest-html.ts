/**
 * The digest's HTML part, in MJML.
 *
 * The MJML source holds only the mail's shape; every value — paper titles,
 * authors, abstracts, links, headings, and the per-recipient footer — is a
 * named slot, filled in after compilation with the value HTML-escaped (titles
 * and abstracts contain `<`, `&`, LaTeX and sometimes `<script>`). Digests of
 * the same shape (so many sections of so many papers, with or without a
 * postal address) share one compilation, so MJML's cost is paid a few times
 * per edition instead of once per subscriber; per subscriber only the slot
 * values are worked out and joined into the compiled HTML. A paper's escaped
 * text is also kept between mails: the same papers fill thousands of them.
 */
import { escapeHtml, html, raw, type SafeHtml } from '../../web/html.js';
import { emailFrame, PALETTE } from './email-frame.js';
import type { DigestSectionView, DigestView, PaperFace, RecipientView } from './digest-model.js';
import { compileMjml, fillSplit, slot, splitSlots, type SlottedHtml } from './mjml-render.js';

const KICKER = { daily: 'Daily digest', weekly: 'Weekly digest' } as const;
const META_STYLE = `color:${PALETTE.muted};font-size:13px;line-height:1.5`;

type SlotValues = Record<string, string | SafeHtml>;

/** Slot names: `s<section>h` (heading) and `s<section>p<paper>{u,t,d}` (url, title, details). */
const headingSlot = (s: number) => `s${s}h`;
const paperSlot = (s: number, p: number, part: 'u' | 't' | 'd') => `s${s}p${p}${part}`;

function link(href: string, label: string): SafeHtml {
  return html`<a class="pb-link" href="${href}" style="color:${PALETTE.link};text-decoration:underline">${label}</a>`;
}

/** A paper's escaped HTML apart from its why-line, which differs between subscribers. */
interface PaperFragments {
  url: SafeHtml;
  title: SafeHtml;
  /** Authors and abstract, up to the opening of the why-and-links line. */
  head: string;
  /** The links, closing the why-and-links line. */
  tail: string;
}

/** By face: a face is shared by every mail its paper is in, and never changes. */
const fragmentCache = new WeakMap<PaperFace, PaperFragments>();

/**
 * Authors, abstract, and the why-and-links line, escaped: whether a paper has
 * authors, an abstract or code then does not change the template's shape (and
 * so does not cost a compilation).
 */
function fragmentsOf(paper: PaperFace): PaperFragments {
  const hit = fragmentCache.get(paper);
  if (hit) return hit;
  const links = [paper.codeUrl ? link(paper.codeUrl, 'Code') : '', paper.arxivUrl ? link(paper.arxivUrl, 'arXiv') : ''].filter((l) => l !== '');
  const fragments: PaperFragments = {
    url: raw(escapeHtml(paper.url)),
    title: raw(escapeHtml(paper.title)),
    head: html`${paper.authors ? html`<div class="pb-meta" style="${META_STYLE};padding-bottom:4px">${paper.authors}</div>` : ''}${paper.abstract ? html`<div style="font-size:14px;line-height:1.5;padding-bottom:4px">${paper.abstract}</div>` : ''}<div class="pb-meta" style="${META_STYLE}">`.value,
    tail: html`${links.map((l) => html` · ${l}`)}</div>`.value,
  };
  fragmentCache.set(paper, fragments);
  return fragments;
}

/** One paper: two rows of the section's single column (a section per paper would triple the mail's size). */
function paperRows(s: number, p: number): SafeHtml {
  return html`<mj-text css-class="pb-text" font-size="17px" font-weight="600" line-height="1.35" padding="14px 24px 2px"><a class="pb-link" href="${slot(paperSlot(s, p, 'u'))}" style="color:${PALETTE.link};text-decoration:none">${slot(paperSlot(s, p, 't'))}</a></mj-text>
<mj-text css-class="pb-text" padding="0 24px 12px">${slot(paperSlot(s, p, 'd'))}</mj-text>`;
}

function section(sec: DigestSectionView, s: number): SafeHtml {
  return html`<mj-section padding="0"><mj-column>
${s === 0 ? '' : html`<mj-divider css-class="pb-rule" border-width="1px" border-color="${PALETTE.rule}" padding="8px 24px"></mj-divider>`}
<mj-text css-class="pb-muted" color="${PALETTE.muted}" font-size="12px" font-weight="700" letter-spacing="0.06em" text-transform="uppercase" padding="12px 24px 0">${slot(headingSlot(s))}</mj-text>
${sec.papers.map((_, p) => paperRows(s, p))}
</mj-column></mj-section>`;
}

function emptyNote(): SafeHtml {
  return html`<mj-section padding="0"><mj-column><mj-text css-class="pb-text" padding="16px 24px">${slot('empty')}</mj-text></mj-column></mj-section>`;
}

function footer(view: DigestView): SafeHtml {
  return html`${slot('why')}<br>
<a class="pb-link" href="${slot('prefs')}" style="color:${PALETTE.link}">Preferences</a> (topics, frequency, time) · <a class="pb-link" href="${slot('unsub')}" style="color:${PALETTE.link}">Unsubscribe</a>
${view.postalAddress ? html`<br>${slot('postal')}` : ''}`;
}

/** What the MJML source depends on (everything else is a slot value): digests with the same shape share a compilation. */
export function digestShape(view: DigestView): string {
  return `${view.sections.map((s) => s.papers.length).join(',') || 'empty'}|${view.postalAddress ? 'postal' : ''}`;
}

/** The MJML source of the digest's shape. */
function digestSource(view: DigestView): string {
  return emailFrame({
    title: slot('title').value,
    preheader: slot('preheader').value,
    kicker: slot('kicker').value,
    body: view.sections.length > 0 ? view.sections.map((sec, s) => section(sec, s)) : emptyNote(),
    footer: footer(view),
  });
}

/** The values of the digest's slots, apart from the recipient's. */
function digestValues(view: DigestView): SlotValues {
  const values: SlotValues = { title: view.subject, preheader: view.preheader, kicker: `${KICKER[view.frequency]} · ${view.dateLabel}` };
  if (view.sections.length === 0) values.empty = `${view.preheader} Change your topics in your preferences to hear about more.`;
  if (view.postalAddress) values.postal = view.postalAddress;
  view.sections.forEach((sec, s) => {
    values[headingSlot(s)] = sec.heading;
    sec.papers.forEach(({ paper, why }, p) => {
      const f = fragmentsOf(paper);
      values[paperSlot(s, p, 'u')] = f.url;
      values[paperSlot(s, p, 't')] = f.title;
      values[paperSlot(s, p, 'd')] = raw(f.head + escapeHtml(why.join(' · ')) + f.tail);
    });
  });
  return values;
}

/** The MJML source (the digest's shape) and the values of its slots. */
export function digestTemplate(view: DigestView): { source: string; values: SlotValues } {
  return { source: digestSource(view), values: digestValues(view) };
}

const SHAPE_CACHE_SIZE = 200;
const compiledShapes = new Map<string, Promise<SlottedHtml>>();

/** The compiled HTML of the view's shape: compiled on first use, then shared (a failed compilation is not kept). */
function compiledShape(view: DigestView): Promise<SlottedHtml> {
  const shape = digestShape(view);
  let compiled = compiledShapes.get(shape);
  if (!compiled) {
    compiled = compileMjml(digestSource(view)).then(splitSlots);
    compiled.catch(() => compiledShapes.delete(shape));
    if (compiledShapes.size >= SHAPE_CACHE_SIZE) compiledShapes.delete(compiledShapes.keys().next().value!);
    compiledShapes.set(shape, compiled);
  }
  return compiled;
}

export async function renderDigestHtml(view: DigestView, recipient: RecipientView): Promise<string> {
  const compiled = await compiledShape(view);
  return fillSplit(compiled, { ...digestValues(view), why: recipient.whyNote, prefs: recipient.preferencesUrl, unsub: recipient.unsubscribeUrl });
}
