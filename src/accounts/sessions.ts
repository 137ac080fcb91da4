/**
 * Server-side sessions. The browser holds a random token; the database holds
 * only its SHA-256, so reading the sessions table does not let anyone sign in
 * as its users, and signing out (deleting the row) ends the session for real.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { deleteExpiredSessions, deleteSession, findSessionUser, insertSession, type User } from './account-store.js';

export const SESSION_TTL_SECONDS = 30 * 24 * 60 * 60;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export interface NewSession {
  token: string;
  expiresAt: Date;
}

function sessionId(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createSession(db: Kysely<Database>, userId: number, now: Date): Promise<NewSession> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_TTL_SECONDS * 1000);
  await insertSession(db, { id: sessionId(token), userId, createdAt: now, expiresAt });
  // Housekeeping rides on sign-ins, which are rare, instead of needing a job.
  await deleteExpiredSessions(db, now);
  return { token, expiresAt };
}

/** The signed-in user for a cookie value, if it names a live session. */
export async function userForSession(db: Kysely<Database>, token: string | undefined, now: Date): Promise<User | undefined> {
  // Malformed cookies are refused before touching the database.
  if (!token || !TOKEN_SHAPE.test(token)) return undefined;
  return findSessionUser(db, sessionId(token), now);
}

export async function endSession(db: Kysely<Database>, token: string | undefined): Promise<void> {
  if (token && TOKEN_SHAPE.test(token)) await deleteSession(db, sessionId(token));
}
