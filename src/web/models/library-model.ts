/** A page of the signed-in user's saved papers, most recently saved first. */
import { countSaved, listSavedSeqs, type User } from '../../accounts/account-store.js';
import { findPapersBySeqs } from '../../catalogue/paper-store.js';
import type { WebContext } from '../app.js';
import type { LibraryPageModel } from '../pages/account-pages.js';
import { cardExtras } from './card-extras.js';

export const LIBRARY_PAGE_SIZE = 25;

export async function loadLibrary(web: WebContext, user: User, page: number): Promise<LibraryPageModel> {
  const { db } = web.database;
  const [saved, total] = await Promise.all([listSavedSeqs(db, user.id, LIBRARY_PAGE_SIZE, (page - 1) * LIBRARY_PAGE_SIZE), countSaved(db, user.id)]);
  const bySeq = new Map((await findPapersBySeqs(db, saved.map((s) => s.seq))).map((p) => [p.seq, p]));
  const stored = saved.flatMap((s) => (bySeq.has(s.seq) ? [bySeq.get(s.seq)!] : []));
  const extras = await cardExtras(db, stored, user.id);
  const cards = stored.map(({ seq, paper }) => ({
    paper,
    votes: extras.votes.get(seq) ?? 0,
    voted: extras.voted.has(seq),
    saved: true,
    stars: extras.stars.get(seq),
  }));
  return { email: user.email, cards, total, page, pageSize: LIBRARY_PAGE_SIZE };
}
