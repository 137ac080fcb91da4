/**
 * Fixtures for subscription and digest-composition tests: a mail transport
 * that records, papers with chosen dates and text, confirmed subscribers
 * written straight to the database, and a stub trending provider.
 */
import type { Kysely } from 'kysely';
import { insertPapers } from '../../src/catalogue/paper-store.js';
import type { Paper } from '../../src/catalogue/paper.js';
import type { Database } from '../../src/db/schema.js';
import type { MailTransport, OutgoingMail, SendOutcome } from '../../src/mail/mail-transport.js';
import type { Topic } from '../../src/subscribers/preferences.js';
import { subscriberDb, type Frequency } from '../../src/subscribers/subscriber-tables.js';
import type { TrendingPage, TrendingProvider, TrendingQuery } from '../../src/trending/trending-provider.js';

export class RecordingTransport implements MailTransport {
  readonly description = 'recorded in memory';
  readonly sent: OutgoingMail[] = [];
  /** While set, sends wait on this promise (to show responses do not wait for mail). */
  gate: Promise<void> | undefined;

  async send(mail: OutgoingMail): Promise<SendOutcome> {
    if (this.gate) await this.gate;
    this.sent.push(mail);
    return { status: 'sent', messageId: `${this.sent.length}@test` };
  }

  to(email: string): OutgoingMail[] {
    return this.sent.filter((m) => m.to === email);
  }

  async close(): Promise<void> {}
}

let counter = 0;

/** A complete paper with sensible defaults; `publishedAt` defaults to an hour before `now`. */
export function paper(overrides: Partial<Paper> & { title: string }, now = new Date()): Paper {
  counter += 1;
  const id = overrides.id ?? `2501.${String(10000 + counter).slice(-5)}`;
  return {
    id,
    arxivId: id.startsWith('pb-') ? null : id,
    version: 1,
    doi: null,
    abstract: `An abstract about ${overrides.title.toLowerCase()}.`,
    authors: ['Ada Lovelace', 'Alan Turing'],
    categories: ['cs.LG'],
    publishedAt: new Date(now.getTime() - 3_600_000).toISOString(),
    updatedAt: null,
    journalRef: null,
    comments: null,
    absUrl: `https://arxiv.org/abs/${id}`,
    pdfUrl: null,
    codeUrls: [],
    sources: ['arxiv-api'],
    firstSeenAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    ...overrides,
  };
}

export async function addPapers(db: Kysely<Database>, papers: Paper[]): Promise<Paper[]> {
  await insertPapers(db, papers);
  return papers;
}

export interface SubscriberSeed {
  email: string;
  frequency?: Frequency;
  timezone?: string;
  sendHour?: number;
  weekends?: boolean;
  papersPerMail?: number;
  status?: 'pending' | 'confirmed' | 'unsubscribed' | 'suspended';
  topics?: Topic[];
  /** When they signed up (and confirmed, if confirmed); default 2025-01-02. */
  confirmedAt?: string;
}

/** A subscriber written directly (for audience and composer tests that need no web flow). */
export async function seedSubscriber(db: Kysely<Database>, seed: SubscriberSeed): Promise<number> {
  const sdb = subscriberDb(db);
  const now = seed.confirmedAt ?? '2025-01-02T10:00:00.000Z';
  const row = await sdb
    .insertInto('subscribers')
    .values({
      email: seed.email,
      status: seed.status ?? 'confirmed',
      frequency: seed.frequency ?? 'daily',
      timezone: seed.timezone ?? 'UTC',
      send_hour: seed.sendHour ?? 8,
      weekends: seed.weekends === false ? 0 : 1,
      papers_per_mail: seed.papersPerMail ?? 10,
      source: 'form',
      created_at: now,
      updated_at: now,
      confirmed_at: (seed.status ?? 'confirmed') === 'confirmed' ? now : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  if (seed.topics && seed.topics.length > 0) {
    await sdb.insertInto('subscriber_topics').values(seed.topics.map((t) => ({ subscriber_id: id, kind: t.kind, value: t.value }))).execute();
  }
  return id;
}

/** Records papers as sent to a subscriber in an earlier edition (as the delivery engine does). */
export async function markSent(db: Kysely<Database>, subscriberId: number, paperIds: string[]): Promise<void> {
  const sdb = db.withTables<{ digest_editions: { id: number; date: string; frequency: string; status: string; created_at: string } }>();
  const existing = await sdb.selectFrom('digest_editions').select('id').where('date', '=', '2000-01-01').executeTakeFirst();
  const editionId =
    existing?.id ??
    Number((await sdb.insertInto('digest_editions').values({ date: '2000-01-01', frequency: 'daily', status: 'complete', created_at: new Date().toISOString() } as never).returning('id').executeTakeFirstOrThrow()).id);
  await subscriberDb(db)
    .insertInto('digest_sent_papers')
    .values(paperIds.map((paper_id) => ({ subscriber_id: subscriberId, paper_id, edition_id: editionId })))
    .execute();
}

/** A trending provider returning a fixed list (with explanations), recording what it was asked. */
export class FixedTrending implements TrendingProvider {
  readonly asked: TrendingQuery[] = [];

  constructor(
    private readonly papers: Paper[],
    private readonly fallback: TrendingPage['fallback'] = null,
  ) {}

  async ranking(query: TrendingQuery): Promise<TrendingPage> {
    this.asked.push(query);
    const entries = this.papers.slice(query.offset, query.offset + query.limit).map((p, i) => ({
      seq: i + 1,
      paper: p,
      score: 100 - i,
      components: { upvotes: 10 - i, views: 0, githubStars: 0, hfUpvotes: 0 },
      explanation: this.fallback ? '' : `+${40 - i} upvotes in 24 h`,
    }));
    return { window: query.window, entries, total: this.papers.length, fallback: this.fallback };
  }
}

/** The first link in a text that starts with `prefix` (a path such as /subscribe/confirm/). */
export function linkIn(text: string, prefix: string): string {
  const match = new RegExp(`https?://[^\\s>]+${prefix.replace(/\//g, '\\/')}[^\\s>]+`).exec(text);
  if (!match) throw new Error(`no ${prefix} link in:\n${text}`);
  const url = new URL(match[0]);
  return url.pathname + url.search;
}
