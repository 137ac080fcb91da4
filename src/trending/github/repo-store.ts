/**
 * The GitHub poller's queries: which repositories to ask about, what we
 * last heard, and the star snapshots. Dialect-neutral Kysely.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { chunks, trendingDb } from '../trending-tables.js';

export interface CandidatePaper {
  seq: number;
  /** JSON array of normalised code URLs (papers.code_urls). */
  codeUrls: string;
}

export interface CandidateSince {
  /** Papers published since then… */
  publishedIso: string;
  /** …or upvoted or viewed since then. */
  activeIso: string;
}

/** Papers with code that are recent or recently active: the ones whose stars can move the ranking. */
export async function candidatePapers(db: Kysely<Database>, since: CandidateSince): Promise<CandidatePaper[]> {
  const tdb = trendingDb(db);
  const recent = await tdb
    .selectFrom('papers')
    .select(['seq', 'code_urls'])
    .where('published_at', '>=', since.publishedIso)
    .where('has_code', '=', 1)
    .execute();
  const active = await tdb
    .selectFrom('papers')
    .select(['seq', 'code_urls'])
    .where('has_code', '=', 1)
    .where('seq', 'in', (eb) =>
      eb
        .selectFrom('paper_votes')
        .select('paper_seq')
        .where('created_at', '>=', since.activeIso)
        .union(eb.selectFrom('paper_views').select('paper_seq').where('day', '>=', since.activeIso.slice(0, 10))),
    )
    .execute();
  const bySeq = new Map<number, CandidatePaper>();
  for (const row of [...recent, ...active]) bySeq.set(Number(row.seq), { seq: Number(row.seq), codeUrls: row.code_urls });
  return [...bySeq.values()];
}

/** Replaces the repository links of these papers (their code URLs may have changed since the last poll). */
export async function saveRepoLinks(db: Kysely<Database>, links: ReadonlyMap<number, readonly string[]>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const tdb = trendingDb(trx);
    for (const part of chunks([...links.keys()])) {
      await tdb.deleteFrom('paper_repos').where('paper_seq', 'in', part).execute();
      const rows = part.flatMap((seq) => (links.get(seq) ?? []).map((repo) => ({ paper_seq: seq, repo })));
      for (const batch of chunks(rows, 200)) if (batch.length > 0) await tdb.insertInto('paper_repos').values(batch).execute();
    }
  });
}

export interface RepoState {
  checkedAt: string;
  status: 'ok' | 'gone';
}

export async function repoStates(db: Kysely<Database>, repos: readonly string[]): Promise<Map<string, RepoState>> {
  const out = new Map<string, RepoState>();
  for (const part of chunks([...new Set(repos)])) {
    const rows = await trendingDb(db).selectFrom('github_repo_state').select(['repo', 'checked_at', 'status']).where('repo', 'in', part).execute();
    for (const row of rows) out.set(row.repo, { checkedAt: row.checked_at, status: row.status === 'gone' ? 'gone' : 'ok' });
  }
  return out;
}

/** The latest stored star count of a repository, if any. */
export async function latestStars(db: Kysely<Database>, repo: string): Promise<number | undefined> {
  const row = await trendingDb(db)
    .selectFrom('repo_star_snapshots')
    .select('stars')
    .where('repo', '=', repo)
    .orderBy('observed_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? Number(row.stars) : undefined;
}

/**
 * Records what GitHub said about a repository. A snapshot is stored only when
 * the count changed (or is the first): growth is the difference between
 * snapshots, and unchanged polls would only grow the table.
 */
export async function saveObservation(
  db: Kysely<Database>,
  repo: string,
  observation: { status: 'ok'; stars: number } | { status: 'gone' },
  now: Date,
): Promise<boolean> {
  const at = now.toISOString();
  return db.transaction().execute(async (trx) => {
    const tdb = trendingDb(trx);
    await tdb
      .insertInto('github_repo_state')
      .values({ repo, checked_at: at, status: observation.status })
      .onConflict((oc) => oc.column('repo').doUpdateSet({ checked_at: at, status: observation.status }))
      .execute();
    if (observation.status !== 'ok' || (await latestStars(trx, repo)) === observation.stars) return false;
    await tdb.insertInto('repo_star_snapshots').values({ repo, stars: observation.stars, observed_at: at }).execute();
    return true;
  });
}
