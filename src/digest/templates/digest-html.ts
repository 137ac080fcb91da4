/**
 * The digest's HTML part, in MJML.
 *
 * The MJML source holds only the mail's shape; every value — paper titles,
 * authors, abstracts, links, headings, and the per-recipient footer — is a
 * slot, filled in after compilation with the value HTML-escaped (titles and
 * abstracts contain `<`, `&`, LaTeX and sometimes `<script>`). Digests of the
 * same shape (so many sections of so many papers) share one compilation, so MJML's cost is paid a few times
 * per edition instead of once per subscriber. Slot values are plain strings
 * (escaped when filled in) or HTML built with the escaping `html` template.
 */
import { html, type SafeHtml } from '../../web/html.js';
import { emailFrame, PALETTE } from './email-frame.js';
import type { DigestPaperView, DigestSectionView, DigestView, RecipientView } from './digest-model.js';
import { compileMjml, fillSlots, slot } from './mjml-render.js';

const KICKER = { daily: 'Daily digest', weekly: 'Weekly digest' } as const;

/** Hands out numbered slots and remembers their values. */
class SlotValues {
  readonly values: Record<string, string | SafeHtml> = {};
  private next = 0;

  put(value: string | SafeHtml): SafeHtml {
    const name = `v${this.next++}`;
    this.values[name] = value;
    return slot(name);
  }
}

function link(href: string, label: string): SafeHtml {
  return html`<a class="pb-link" href="${href}" style="color:${PALETTE.link};text-decoration:underline">${label}</a>`;
}

/**
 * Authors, abstract, and the why-and-links line, as escaped HTML for one slot:
 * whether a paper has authors, an abstract or code then does not change the
 * template's shape (and so does not cost a compilation).
 */
function paperDetails(paper: DigestPaperView): SafeHtml {
  const links = [paper.codeUrl ? link(paper.codeUrl, 'Code') : '', paper.arxivUrl ? link(paper.arxivUrl, 'arXiv') : ''].filter((l) => l !== '');
  const meta = `color:${PALETTE.muted};font-size:13px;line-height:1.5`;
  return html`${paper.authors ? html`<div class="pb-meta" style="${meta};padding-bottom:4px">${paper.authors}</div>` : ''}${paper.abstract ? html`<div style="font-size:14px;line-height:1.5;padding-bottom:4px">${paper.abstract}</div>` : ''}<div class="pb-meta" style="${meta}">${paper.why.join(' · ')}${links.map((l) => html` · ${l}`)}</div>`;
}

/** One paper: two rows of the section's single column (a section per paper would triple the mail's size). */
function paperRows(paper: DigestPaperView, s: SlotValues): SafeHtml {
  return html`<mj-text css-class="pb-text" font-size="17px" font-weight="600" line-height="1.35" padding="14px 24px 2px"><a class="pb-link" href="${s.put(paper.url)}" style="color:${PALETTE.link};text-decoration:none">${s.put(paper.title)}</a></mj-text>
<mj-text css-class="pb-text" padding="0 24px 12px">${s.put(paperDetails(paper))}</mj-text>`;
}

function section(sec: DigestSectionView, first: boolean, s: SlotValues): SafeHtml {
  return html`<mj-section padding="0"><mj-column>
${first ? '' : html`<mj-divider css-class="pb-rule" border-width="1px" border-color="${PALETTE.rule}" padding="8px 24px"></mj-divider>`}
<mj-text css-class="pb-muted" color="${PALETTE.muted}" font-size="12px" font-weight="700" letter-spacing="0.06em" text-transform="uppercase" padding="12px 24px 0">${s.put(sec.heading)}</mj-text>
${sec.papers.map((p) => paperRows(p, s))}
</mj-column></mj-section>`;
}

function emptyNote(view: DigestView, s: SlotValues): SafeHtml {
  return html`<mj-section padding="0"><mj-column><mj-text css-class="pb-text" padding="16px 24px">${s.put(`${view.preheader} Change your topics in your preferences to hear about more.`)}</mj-text></mj-column></mj-section>`;
}

function footer(view: DigestView, s: SlotValues): SafeHtml {
  return html`${slot('why')}<br>
<a class="pb-link" href="${slot('prefs')}" style="color:${PALETTE.link}">Preferences</a> (topics, frequency, time) · <a class="pb-link" href="${slot('unsub')}" style="color:${PALETTE.link}">Unsubscribe</a>
${view.postalAddress ? html`<br>${s.put(view.postalAddress)}` : ''}`;
}

/** The MJML source (the digest's shape) and the values of its slots. */
export function digestTemplate(view: DigestView): { source: string; values: Record<string, string | SafeHtml> } {
  const s = new SlotValues();
  const source = emailFrame({
    title: s.put(view.subject).value,
    preheader: s.put(view.preheader).value,
    kicker: s.put(`${KICKER[view.frequency]} · ${view.dateLabel}`).value,
    body: view.sections.length > 0 ? view.sections.map((sec, i) => section(sec, i === 0, s)) : emptyNote(view, s),
    footer: footer(view, s),
  });
  return { source, values: s.values };
}

export async function renderDigestHtml(view: DigestView, recipient: RecipientView): Promise<string> {
  const { source, values } = digestTemplate(view);
  const compiled = await compileMjml(source);
  return fillSlots(compiled, { ...values, why: recipient.whyNote, prefs: recipient.preferencesUrl, unsub: recipient.unsubscribeUrl });
}
