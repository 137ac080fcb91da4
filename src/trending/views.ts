/**
 * Page views, counted once per visitor per paper per UTC day. Visitors are
 * never stored: only a keyed hash of (IP, User-Agent) whose key is derived
 * from the secret key and the day, so hashes cannot be linked across days
 * nor reversed without the secret, and yesterday's key is never kept.
 */
import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { isBot } from './bots.js';
import { trendingDb } from './trending-tables.js';

/** The visitor as the web layer sees it; call `isBot` on the User-Agent first (or use `recordPageView`). */
export function visitorKey(ip: string, userAgent: string): string {
  return `${ip}\n${userAgent}`;
}

export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** The day's salt: rotates at midnight UTC, derived (not stored) so it needs no clean-up. */
function daySalt(secret: string, day: string): Buffer {
  return createHmac('sha256', secret).update(`paperboy/view-salt/${day}`).digest();
}

export function visitorHash(secret: string, day: string, key: string): string {
  // 128 bits: collisions between two visitors of one paper on one day are out of reach.
  return createHmac('sha256', daySalt(secret, day)).update(key).digest('hex').slice(0, 32);
}

/** Counts a view unless this visitor already viewed the paper today; true if counted. The paper must exist. */
export async function recordView(db: Kysely<Database>, seq: number, key: string, now: Date, secret: string): Promise<boolean> {
  const day = utcDay(now);
  const result = await trendingDb(db)
    .insertInto('paper_views')
    .values({ paper_seq: seq, day, visitor_hash: visitorHash(secret, day, key) })
    .onConflict((oc) => oc.columns(['paper_seq', 'day', 'visitor_hash']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export interface PageView {
  seq: number;
  ip: string;
  userAgent: string | undefined;
  now: Date;
  /** The server's SECRET_KEY (AppContext.secretKey). */
  secret: string;
}

/** What a paper page handler calls: bots are not counted, repeats within the day are not either. */
export async function recordPageView(db: Kysely<Database>, view: PageView): Promise<'counted' | 'repeat' | 'bot'> {
  if (isBot(view.userAgent)) return 'bot';
  const counted = await recordView(db, view.seq, visitorKey(view.ip, view.userAgent ?? ''), view.now, view.secret);
  return counted ? 'counted' : 'repeat';
}
