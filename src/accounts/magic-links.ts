/**
 * Sign-in by magic link: a signed token (purpose 'sign-in', the address as
 * subject, 15 minutes) mailed to the address. Checking a token (to show the
 * confirmation page) changes nothing, so link scanners that fetch it cannot
 * use it up; redeeming it records its id, so it works once.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Config } from '../config/config.js';
import type { Database } from '../db/schema.js';
import type { MailTransport, SendOutcome } from '../mail/mail-transport.js';
import type { TokenCheck, TokenSigner } from '../security/signed-tokens.js';
import { escapeHtml } from '../text/escape-html.js';
import { findOrCreateUser, markTokenUsed, purgeUsedTokens, type User } from './account-store.js';
import { createSession, type NewSession } from './sessions.js';

export const SIGN_IN_TTL_SECONDS = 15 * 60;

const Email = z.email().max(254);

/** Trimmed and lower-cased, or undefined when not an address. */
export function normaliseEmail(input: unknown): string | undefined {
  if (typeof input !== 'string') return undefined;
  const parsed = Email.safeParse(input.trim().toLowerCase());
  return parsed.success ? parsed.data : undefined;
}

export function senderAddress(config: Pick<Config, 'publicUrl'>): string {
  return `Paperboy <no-reply@${new URL(config.publicUrl).hostname}>`;
}

export function signInUrl(config: Pick<Config, 'publicUrl'>, token: string, next: string | undefined): string {
  const url = new URL('/sign-in/confirm', config.publicUrl);
  url.searchParams.set('token', token);
  if (next) url.searchParams.set('next', next);
  return url.toString();
}

export interface SignInMailDeps {
  config: Pick<Config, 'publicUrl'>;
  tokens: TokenSigner;
  mail: MailTransport;
}

/** Mails a fresh single-use sign-in link to `email` (already normalised). */
export async function sendSignInLink(deps: SignInMailDeps, email: string, next: string | undefined, now = new Date()): Promise<SendOutcome> {
  const token = deps.tokens.create('sign-in', email, SIGN_IN_TTL_SECONDS, now.getTime());
  const link = signInUrl(deps.config, token, next);
  const minutes = SIGN_IN_TTL_SECONDS / 60;
  return deps.mail.send({
    from: senderAddress(deps.config),
    to: email,
    subject: 'Your Paperboy sign-in link',
    text: `Open this link to sign in to Paperboy:\n\n${link}\n\nIt works once, within ${minutes} minutes. If you did not ask to sign in, ignore this mail: nothing happens without the link.\n`,
    html: `<p>Open this link to sign in to Paperboy:</p><p><a href="${escapeHtml(link)}">Sign in to Paperboy</a></p><p>It works once, within ${minutes} minutes. If you did not ask to sign in, ignore this mail.</p>`,
  });
}

/** Whether a link's token is genuine and unexpired, without using it up. */
export function checkSignInToken(tokens: TokenSigner, token: string, now = new Date()): TokenCheck {
  return tokens.verify(token, 'sign-in', now.getTime());
}

export type RedeemResult = { ok: true; user: User; session: NewSession } | { ok: false; reason: Exclude<TokenCheck, { ok: true }>['reason'] | 'used' };

/** Uses a sign-in token up and opens a session for its address, all or nothing. */
export async function redeemSignInToken(db: Kysely<Database>, tokens: TokenSigner, token: string, now = new Date()): Promise<RedeemResult> {
  const check = checkSignInToken(tokens, token, now);
  if (!check.ok) return check;
  const email = normaliseEmail(check.claims.sub);
  if (!email) return { ok: false, reason: 'malformed' };
  return db.transaction().execute(async (trx) => {
    if (!(await markTokenUsed(trx, check.claims.jti, now))) return { ok: false, reason: 'used' } as const;
    await purgeUsedTokens(trx, new Date(now.getTime() - 2 * SIGN_IN_TTL_SECONDS * 1000));
    const user = await findOrCreateUser(trx, email, now);
    const session = await createSession(trx, user.id, now);
    return { ok: true, user, session } as const;
  });
}
