/** Everything a paper's page shows, and the view it counts. */
import { savedAmong } from '../../accounts/account-store.js';
import { findPaperById } from '../../catalogue/paper-store.js';
import type { Paper } from '../../catalogue/paper.js';
import type { SearchResultItem } from '../../search/search-service.js';
import { recordPageView } from '../../trending/views.js';
import { hasVoted, voteCount } from '../../trending/votes.js';
import type { WebContext } from '../app.js';
import type { PaperPageModel } from '../pages/paper-page.js';
import { bibtexFor } from './bibtex.js';
import { starsOf } from './card-extras.js';
import { paperHistory, type PaperHistory } from './paper-history-store.js';

export const SIMILAR_COUNT = 6;
const HISTORY_DAYS = 30;

export type PaperLookup = { kind: 'found'; model: PaperPageModel } | { kind: 'moved'; id: string } | { kind: 'missing' };

export interface Visitor {
  ip: string;
  userAgent: string | undefined;
  userId: number | undefined;
}

/** Similar papers change only when the catalogue does: cached per paper for minutes. */
export function similarTo(web: WebContext, id: string): Promise<SearchResultItem[]> {
  return web.caches.similar.get(id, async () => (await web.search.similar(id, SIMILAR_COUNT))?.results ?? []);
}

/** What a paper's page shows alike to everyone, apart from its vote count. */
export type PaperFacts = { kind: 'found'; seq: number; paper: Paper; stars?: number; history: PaperHistory } | { kind: 'moved'; id: string } | { kind: 'missing' };

async function paperFacts(web: WebContext, id: string, now: Date): Promise<PaperFacts> {
  const { db } = web.database;
  const stored = await findPaperById(db, id);
  if (!stored) return { kind: 'missing' };
  // An old generated id (or another spelling) answers with the paper's current address.
  if (stored.paper.id !== id) return { kind: 'moved', id: stored.paper.id };
  const fromDay = new Date(now.getTime() - HISTORY_DAYS * 86_400_000).toISOString().slice(0, 10);
  const [stars, history] = await Promise.all([starsOf(db, [stored]), paperHistory(db, stored.seq, fromDay)]);
  return { kind: 'found', seq: stored.seq, paper: stored.paper, stars: stars.get(stored.seq), history };
}

export async function loadPaperPage(web: WebContext, id: string, visitor: Visitor, now = new Date()): Promise<PaperLookup> {
  const { db } = web.database;
  // Metadata, stars and the chart are shared for a few seconds; popular papers are read far more often than they change.
  const facts = await web.caches.paperFacts.get(id, () => paperFacts(web, id, now));
  if (facts.kind !== 'found') return facts;
  const { seq, paper } = facts;
  const userId = visitor.userId;
  // A view that cannot be counted must not cost the reader the page.
  await recordPageView(db, { seq, ip: visitor.ip, userAgent: visitor.userAgent, now, secret: web.secretKey }).catch(() => 'failed');
  const [votes, voted, saved] = await Promise.all([
    voteCount(db, seq),
    userId !== undefined ? hasVoted(db, userId, [seq]) : Promise.resolve(new Set<number>()),
    userId !== undefined ? savedAmong(db, userId, [seq]) : Promise.resolve(new Set<number>()),
  ]);
  // Finding similar papers costs far more than the rest of the page (a search
  // over the catalogue): the page shows them when already known, otherwise
  // links to /similar/:id, which the script loads once the section is in view.
  const similar = web.caches.similar.peek(paper.id);
  return {
    kind: 'found',
    model: { paper, votes, voted: voted.has(seq), saved: saved.has(seq), stars: facts.stars, history: facts.history, similar, bibtex: bibtexFor(paper), asOf: now },
  };
}
