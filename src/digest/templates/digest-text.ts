/** The digest's plain-text part: the same content as the HTML, readable in any client and by screen readers. */
import type { DigestView, RecipientView } from './digest-model.js';

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

export function renderDigestText(view: DigestView, recipient: RecipientView): string {
  const out: string[] = [`Paperboy · ${view.frequency === 'daily' ? 'Daily' : 'Weekly'} digest · ${view.dateLabel}`, ''];
  if (view.sections.length === 0) out.push(view.preheader, '');
  let n = 0;
  for (const section of view.sections) {
    out.push(section.heading.toUpperCase(), '');
    for (const paper of section.papers) {
      out.push(`${++n}. ${paper.title}`);
      if (paper.authors) out.push(wrap(paper.authors));
      if (paper.abstract) out.push(wrap(paper.abstract));
      out.push(wrap(paper.why.join(' · ')));
      out.push(`   Read: ${paper.url}`);
      if (paper.codeUrl) out.push(`   Code: ${paper.codeUrl}`);
      out.push('');
    }
  }
  out.push(RULE, recipient.whyNote, `Preferences (topics, frequency, time): ${recipient.preferencesUrl}`, `Unsubscribe: ${recipient.unsubscribeUrl}`);
  if (view.postalAddress) out.push(view.postalAddress);
  return `${out.join('\n')}\n`;
}
