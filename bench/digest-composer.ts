/**
 * A minimal but realistic composer for the digest benchmark's
 * `--composer minimal` mode, to measure the delivery engine apart from the
 * real composer's paper selection and MJML rendering: per subscriber it reads
 * their topics, picks 10 papers of the period (their categories first),
 * signs an unsubscribe link and renders an HTML table and a text version of
 * about the size of a real digest's content.
 */
import type { Kysely } from 'kysely';
import type { Paper } from '../src/catalogue/paper.js';
import type { Database } from '../src/db/schema.js';
import { newestPapersInPeriod } from '../src/digest/compose-queries.js';
import { digestHeaders } from '../src/digest/compose-headers.js';
import type { ComposedDigest, DigestComposer, DueSubscriber, EditionKey } from '../src/digest/delivery-types.js';
import type { TokenSigner } from '../src/security/signed-tokens.js';
import { SubscriberLinks } from '../src/subscribers/subscriber-links.js';
import { listTopics } from '../src/subscribers/subscriber-store.js';

const PER_MAIL = 10;
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export class MinimalComposer implements DigestComposer {
  private pool: Promise<Paper[]> | null = null;
  private readonly links: SubscriberLinks;

  constructor(
    private readonly db: Kysely<Database>,
    tokens: TokenSigner,
    private readonly publicUrl: string,
  ) {
    this.links = new SubscriberLinks(tokens, { publicUrl });
  }

  /** The edition's candidate papers, read once: the two days before the edition date. */
  private papers(edition: EditionKey): Promise<Paper[]> {
    const end = new Date(`${edition.date}T12:00:00Z`);
    const start = new Date(end.getTime() - 2 * 86_400_000);
    this.pool ??= newestPapersInPeriod(this.db, { start: start.toISOString(), end: end.toISOString() }, 200);
    return this.pool;
  }

  async compose(subscriber: DueSubscriber, edition: EditionKey): Promise<ComposedDigest | null> {
    const [pool, topics] = await Promise.all([this.papers(edition), listTopics(this.db, subscriber.id)]);
    const wanted = new Set(topics.filter((t) => t.kind === 'category').map((t) => t.value));
    const rank = (p: Paper) => (p.categories.some((c) => wanted.has(c)) ? 0 : 1);
    const offset = subscriber.id % Math.max(1, pool.length);
    const papers = [...pool.slice(offset), ...pool.slice(0, offset)].sort((a, b) => rank(a) - rank(b)).slice(0, PER_MAIL);
    if (papers.length === 0) return null;
    const unsubscribe = this.links.unsubscribe(subscriber.id);
    return {
      subject: `${papers.length} papers for ${edition.date}: ${papers[0]!.title.slice(0, 60)}`,
      html: renderHtml(papers, unsubscribe.url),
      text: renderText(papers, unsubscribe.url),
      headers: digestHeaders({ unsubscribe, frequency: edition.frequency, publicUrl: this.publicUrl, edition }),
      paperIds: papers.map((p) => p.id),
    };
  }
}

function renderHtml(papers: Paper[], unsubscribeUrl: string): string {
  const rows = papers.map(
    (p) => `<tr><td style="padding:12px 0;border-bottom:1px solid #e5e5e5;font-family:Georgia,serif">
<a href="${escape(p.absUrl ?? '')}" style="font-size:17px;color:#1a4d8f;text-decoration:none">${escape(p.title)}</a>
<div style="font-size:13px;color:#555;margin:4px 0">${escape(p.authors.slice(0, 4).join(', '))} · ${escape(p.categories[0] ?? '')}</div>
<p style="font-size:14px;line-height:1.5;color:#222;margin:6px 0">${escape((p.abstract ?? '').slice(0, 400))}…</p>
<a href="${escape(p.pdfUrl ?? '')}" style="font-size:13px">PDF</a></td></tr>`,
  );
  return `<!doctype html><html><body style="margin:0;background:#f6f6f6"><table width="100%" cellpadding="0" cellspacing="0" style="max-width:640px;margin:auto;background:#fff;padding:24px">
${rows.join('\n')}
<tr><td style="font-size:12px;color:#777;padding-top:16px"><a href="${escape(unsubscribeUrl)}">Unsubscribe</a></td></tr></table></body></html>`;
}

function renderText(papers: Paper[], unsubscribeUrl: string): string {
  const items = papers.map((p, i) => `${i + 1}. ${p.title}\n   ${p.authors.slice(0, 4).join(', ')}\n   ${(p.abstract ?? '').slice(0, 300)}…\n   ${p.absUrl ?? ''}`);
  return `${items.join('\n\n')}\n\nUnsubscribe: ${unsubscribeUrl}\n`;
}
