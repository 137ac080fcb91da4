/** What signed-in readers do to a paper: upvote (or take it back) and save to their library. */
import { savePaper, unsavePaper } from '../../accounts/account-store.js';
import { findPaperById } from '../../catalogue/paper-store.js';
import { castVote, removeVote, voteCount } from '../../trending/votes.js';
import type { WebContext } from '../app.js';

export async function setVote(web: WebContext, userId: number, id: string, up: boolean): Promise<{ votes: number; voted: boolean } | undefined> {
  const { db } = web.database;
  const stored = await findPaperById(db, id);
  if (!stored) return undefined;
  const trending = web.trending;
  // Through the trending service when it offers it, so its cached ranking is dropped too.
  if (up) await (trending.castVote ? trending.castVote(userId, stored.seq) : castVote(db, userId, stored.seq));
  else await (trending.removeVote ? trending.removeVote(userId, stored.seq) : removeVote(db, userId, stored.seq));
  if (!trending.castVote) await trending.invalidate?.();
  web.caches.trendingHtml.clear();
  web.caches.paperFacts.delete(stored.paper.id);
  return { votes: await voteCount(db, stored.seq), voted: up };
}

export async function setSaved(web: WebContext, userId: number, id: string, save: boolean): Promise<{ saved: boolean } | undefined> {
  const { db } = web.database;
  const stored = await findPaperById(db, id);
  if (!stored) return undefined;
  if (save) await savePaper(db, userId, stored.seq, new Date());
  else await unsavePaper(db, userId, stored.seq);
  return { saved: save };
}
