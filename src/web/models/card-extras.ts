/**
 * What list pages show beside each paper besides the paper itself: upvote
 * counts, whether the viewer voted for or saved it, and its code's stars.
 */
import type { Kysely } from 'kysely';
import { savedAmong } from '../../accounts/account-store.js';
import { latestSignalValues } from '../../catalogue/paper-store.js';
import type { Paper } from '../../catalogue/paper.js';
import type { Database } from '../../db/schema.js';
import { latestStars } from '../../trending/github/repo-store.js';
import { hasVoted, voteCounts } from '../../trending/votes.js';

export interface CardExtras {
  votes: Map<number, number>;
  voted: Set<number>;
  saved: Set<number>;
  stars: Map<number, number>;
}

/** `owner/name` of a GitHub URL, as trending stores repositories. */
export function githubRepo(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const match = /^https?:\/\/(?:www\.)?github\.com\/([^/?#]+)\/([^/?#]+)/i.exec(url);
  return match ? `${match[1]}/${match[2]!.replace(/\.git$/i, '')}`.toLowerCase() : undefined;
}

export async function starsOf(db: Kysely<Database>, papers: ReadonlyArray<{ seq: number; paper: Paper }>): Promise<Map<number, number>> {
  const stars = new Map<number, number>();
  const signals = await latestSignalValues(db, papers.map((p) => p.seq));
  await Promise.all(
    papers.map(async ({ seq, paper }) => {
      const repo = githubRepo(paper.codeUrls[0]);
      const polled = repo ? await latestStars(db, repo) : undefined;
      // Hugging Face reports stars too; our own GitHub polling wins when it has a number.
      const value = polled ?? signals.get(`${seq}|huggingface|github_stars`);
      if (value !== undefined) stars.set(seq, value);
    }),
  );
  return stars;
}

export async function cardExtras(db: Kysely<Database>, papers: ReadonlyArray<{ seq: number; paper: Paper }>, userId: number | undefined): Promise<CardExtras> {
  const seqs = papers.map((p) => p.seq);
  const [votes, voted, saved, stars] = await Promise.all([
    voteCounts(db, seqs),
    userId !== undefined ? hasVoted(db, userId, seqs) : Promise.resolve(new Set<number>()),
    userId !== undefined ? savedAmong(db, userId, seqs) : Promise.resolve(new Set<number>()),
    starsOf(db, papers),
  ]);
  return { votes, voted, saved, stars };
}
