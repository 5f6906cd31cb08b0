import { describe, expect, it } from 'vitest';
import { issueActionToken, signActionToken, tokenHash, verifyActionToken } from '../../functions/handling/links.ts';

const secret = 'test-secret-0123456789';
const now = new Date('2026-11-20T01:00:00Z');
const claim = { reference: 'TS-7K3M-9QX2', action: 'accept' as const, agencyId: 'renqiu-cgj', period: 1 };

describe('signed action links', () => {
  it('round-trips a claim', () => {
    const token = issueActionToken(claim, secret, now);
    const result = verifyActionToken(token, secret, now);
    expect(result).toMatchObject({ ok: true, claim: { ...claim, expiresAt: Math.floor(now.getTime() / 1000) + 30 * 86400 } });
    // Every issued link is distinct, so each is used up on its own.
    expect(issueActionToken(claim, secret, now)).not.toBe(token);
  });

  it('refuses a token signed with another secret', () => {
    const token = issueActionToken(claim, 'other-secret', now);
    expect(verifyActionToken(token, secret, now)).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses any changed character of payload or signature', () => {
    const token = issueActionToken(claim, secret, now);
    for (let i = 0; i < token.length; i++) {
      if (token[i] === '.') continue;
      const swapped = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
      const result = verifyActionToken(swapped, secret, now);
      expect(result.ok, `position ${i}`).toBe(false);
    }
  });

  it('refuses another spelling of the same signature (so a used link cannot be replayed respelled)', () => {
    const token = issueActionToken(claim, secret, now);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(token.at(-1)!);
    // The last character's two low bits are padding: these spellings decode to the same 32 bytes.
    const respelled = [1, 2, 3].map((bits) => token.slice(0, -1) + alphabet[last ^ bits]);
    for (const t of respelled) {
      expect(Buffer.from(t.split('.')[1]!, 'base64url')).toEqual(Buffer.from(token.split('.')[1]!, 'base64url'));
      expect(verifyActionToken(t, secret, now)).toMatchObject({ ok: false, status: 403 });
    }
    expect(verifyActionToken(token, secret, now).ok).toBe(true);
  });

  it('refuses a payload re-signed for another action or agency without the secret', () => {
    const good = issueActionToken(claim, secret, now);
    const [, signature] = good.split('.');
    const forged = signActionToken({ ...claim, action: 'resolve', expiresAt: 0 }, 'guess').split('.')[0];
    expect(verifyActionToken(`${forged}.${signature}`, secret, now)).toMatchObject({ ok: false, status: 403 });
    const otherAgency = Buffer.from(`${claim.reference}|accept|renqiu-scjg|1|9999999999|abc`).toString('base64url');
    expect(verifyActionToken(`${otherAgency}.${signature}`, secret, now)).toMatchObject({ ok: false, status: 403 });
  });

  it('expires after 30 days', () => {
    const token = issueActionToken(claim, secret, now);
    expect(verifyActionToken(token, secret, new Date(now.getTime() + 29 * 86400_000)).ok).toBe(true);
    const late = verifyActionToken(token, secret, new Date(now.getTime() + 30 * 86400_000 + 1000));
    expect(late).toMatchObject({ ok: false, status: 410 });
    expect(!late.ok && late.message).toMatch(/过期/);
  });

  it('refuses garbage with a 400', () => {
    for (const junk of ['', 'abc', 'a.b', '<script>.x', `${'a'.repeat(20)}.${'b'.repeat(42)}`]) {
      expect(verifyActionToken(junk, secret, now)).toMatchObject({ ok: false, status: 400 });
    }
  });

  it('refuses a well-signed payload with an unknown action', () => {
    const token = signActionToken({ ...claim, action: 'delete' as never, expiresAt: 9999999999 }, secret);
    expect(verifyActionToken(token, secret, now)).toMatchObject({ ok: false, status: 400 });
  });

  it('stores only a hash of the token', () => {
    const token = issueActionToken(claim, secret, now);
    expect(tokenHash(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenHash(token)).not.toContain(token.slice(0, 10));
  });
});
