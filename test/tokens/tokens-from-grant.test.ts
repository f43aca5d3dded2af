import { describe, expect, it } from 'vitest';
import { TokenIdentityError } from '../../src/tokens/errors.js';
import { accountFromGrant, expiryOf, tokensFromRefresh } from '../../src/tokens/tokens-from-grant.js';
import { accessTokenFor, fakeJwt } from '../store/factories.js';

describe('accountFromGrant', () => {
  it('takes the identity from the claims, never from the refresh token', () => {
    const account = accountFromGrant({ accessToken: accessTokenFor('acct-1', 'user-1'), refreshToken: 'rt', expiresIn: 60 }, { origin: 'browser', now: 1_000 });
    expect(account).toMatchObject({
      id: 'acct-1:user-1',
      chatgptAccountId: 'acct-1',
      alias: 'user-1',
      plan: 'plus',
      tokens: { expiresAt: 61_000, obtainedAt: 1_000 },
    });
    const other = accountFromGrant({ accessToken: accessTokenFor('acct-1', 'user-1'), refreshToken: 'another' }, { origin: 'browser', now: 1_000 });
    expect(other.id).toBe(account.id);
  });

  it('refuses tokens that name no account', () => {
    expect(() => accountFromGrant({ accessToken: fakeJwt({ sub: 'x' }), refreshToken: 'rt' }, { origin: 'pasted', now: 1 })).toThrow(TokenIdentityError);
  });
});

describe('expiry and rotation', () => {
  it('prefers expires_in, then the JWT exp', () => {
    expect(expiryOf({ accessToken: fakeJwt({ exp: 50 }), expiresIn: 10 }, 1_000)).toBe(11_000);
    expect(expiryOf({ accessToken: fakeJwt({ exp: 50 }) }, 1_000)).toBe(50_000);
  });

  it('keeps the old refresh token when the issuer does not rotate, and always moves obtainedAt forward', () => {
    const previous = { accessToken: 'a1', refreshToken: 'r1', expiresAt: 0, obtainedAt: 5_000 };
    const next = tokensFromRefresh({ accessToken: 'a2', expiresIn: 1 }, previous, 5_000);
    expect(next).toMatchObject({ accessToken: 'a2', refreshToken: 'r1', obtainedAt: 5_001 });
  });
});
