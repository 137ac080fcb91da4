import { describe, expect, it } from 'vitest';
import { TokenSigner } from './signed-tokens.js';

const signer = new TokenSigner('x'.repeat(32));

describe('TokenSigner', () => {
  it('round-trips claims', () => {
    const token = signer.create('unsubscribe', 'sub-42', 60);
    const check = signer.verify(token, 'unsubscribe');
    expect(check).toMatchObject({ ok: true, claims: { purpose: 'unsubscribe', sub: 'sub-42' } });
  });

  it('rejects forged, tampered, expired and misused tokens', () => {
    const token = signer.create('sign-in', 'a@example.com', 60);
    const [payload, signature] = token.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ purpose: 'sign-in', sub: 'evil@example.com', exp: 9e9, jti: 'x' })).toString('base64url');
    expect(signer.verify(`${forged}.${signature}`, 'sign-in')).toEqual({ ok: false, reason: 'bad-signature' });
    expect(signer.verify(`${payload}.${signature.slice(1)}A`, 'sign-in')).toEqual({ ok: false, reason: 'bad-signature' });
    expect(new TokenSigner('y'.repeat(32)).verify(token, 'sign-in')).toEqual({ ok: false, reason: 'bad-signature' });
    expect(signer.verify(token, 'unsubscribe')).toEqual({ ok: false, reason: 'wrong-purpose' });
    expect(signer.verify(token, 'sign-in', Date.now() + 61_000)).toEqual({ ok: false, reason: 'expired' });
    for (const junk of ['', '.', 'a.b.c', 'x'.repeat(5000), '💥.💥']) expect(signer.verify(junk, 'sign-in').ok).toBe(false);
  });

  it('gives every token a unique id', () => {
    const a = signer.verify(signer.create('csrf', 's', 60), 'csrf');
    const b = signer.verify(signer.create('csrf', 's', 60), 'csrf');
    expect(a.ok && b.ok && a.claims.jti !== b.claims.jti).toBe(true);
  });
});
