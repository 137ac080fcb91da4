/** The digest's plain-text part: the same content as the HTML, readable in any client and by screen readers. */
import type { DigestView, PaperFace, RecipientView } from './digest-model.js';

const RULE = '—'.repeat(24);

function wrap(text: string, width = 76, indent = '   '): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width - indent.length) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.map((l) => indent + l).join('\n');
}

/** A paper's wrapped lines apart from its number and why-line, kept by face: the same papers fill thousands of mails. */
interface PaperLines {
  /** Authors and abstract, wrapped (possibly none). */
  body: string[];
  /** Read and Code links. */
  links: string[];
}

const linesCache = new WeakMap<PaperFace, PaperLines>();

function linesOf(paper: PaperFace): PaperLines {
  const hit = linesCache.get(paper);
  if (hit) return hit;
  const body: string[] = [];
  if (paper.authors) body.push(wrap(paper.authors));
  if (paper.abstract) body.push(wrap(paper.abstract));
  const links = [`   Read: ${paper.url}`];
  if (paper.codeUrl) links.push(`   Code: ${paper.codeUrl}`);
  const lines: PaperLines = { body, links };
  linesCache.set(paper, lines);
  return lines;
}

export function renderDigestText(view: DigestView, recipient: RecipientView): string {
  const out: string[] = [`Paperboy · ${view.frequency === 'daily' ? 'Daily' : 'Weekly'} digest · ${view.dateLabel}`, ''];
  if (view.sections.length === 0) out.push(view.preheader, '');
  let n = 0;
  for (const section of view.sections) {
    out.push(section.heading.toUpperCase(), '');
    for (const { paper, why } of section.papers) {
      const lines = linesOf(paper);
      out.push(`${++n}. ${paper.title}`, ...lines.body, wrap(why.join(' · ')), ...lines.links, '');
    }
  }
  out.push(RULE, recipient.whyNote, `Preferences (topics, frequency, time): ${recipient.preferencesUrl}`, `Unsubscribe: ${recipient.unsubscribeUrl}`);
  if (view.postalAddress) out.push(view.postalAddress);
  return `${out.join('\n')}\n`;
}
