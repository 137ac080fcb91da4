/**
 * Signed, expiring tokens for links in mail (magic sign-in, subscription
 * confirmation, preferences, unsubscribe). A token is
 * `base64url(payload).base64url(HMAC-SHA256(payload))`; the payload names its
 * purpose, so a token minted for one use can never be replayed for another.
 * Single use is enforced by the caller, who records the token's `jti` when it
 * is consumed.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type TokenPurpose = 'sign-in' | 'confirm-subscription' | 'preferences' | 'unsubscribe' | 'csrf';

export interface TokenClaims {
  purpose: TokenPurpose;
  /** Whom the token is about: an email address, a subscriber id, a session id. */
  sub: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** Unique id, for single-use checks. */
  jti: string;
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; reason: 'malformed' | 'bad-signature' | 'wrong-purpose' | 'expired' };

export class TokenSigner {
  private readonly key: Buffer;

  constructor(secret: string) {
    if (secret.length < 32) throw new Error('the token secret must be at least 32 characters');
    // Derive a dedicated key so the raw SECRET_KEY is used for nothing else directly.
    this.key = createHmac('sha256', secret).update('paperboy signed tokens v1').digest();
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }

  create(purpose: TokenPurpose, subject: string, ttlSeconds: number, now = Date.now()): string {
    const claims: TokenClaims = { purpose, sub: subject, exp: Math.floor(now / 1000) + ttlSeconds, jti: randomBytes(12).toString('base64url') };
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  verify(token: string, purpose: TokenPurpose, now = Date.now()): TokenCheck {
    const parts = typeof token === 'string' ? token.split('.') : [];
    if (parts.length !== 2 || !parts[0] || !parts[1] || token.length > 2048) return { ok: false, reason: 'malformed' };
    const [payload, signature] = parts as [string, string];
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad-signature' };
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number' || typeof claims.jti !== 'string') return { ok: false, reason: 'malformed' };
    if (claims.purpose !== purpose) return { ok: false, reason: 'wrong-purpose' };
    if (claims.exp * 1000 <= now) return { ok: false, reason: 'expired' };
    return { ok: true, claims };
  }
}
