import { describe, expect, it } from 'vitest';
import { isPermanentRefreshFailure, refreshBackoffMs } from '../../src/tokens/refresh-classify.js';

describe('isPermanentRefreshFailure', () => {
  it.each([
    [400, 'refresh_token_reused', true],
    [401, 'refresh_token_reused', true],
    [400, 'refresh_token_expired', true],
    [400, 'refresh_token_invalidated', true],
    [401, undefined, true],
    [401, 'invalid_grant', true],
    [400, 'invalid_grant', false],
    [429, 'rate_limited', false],
    [500, undefined, false],
    [502, 'refresh_token', false],
    [403, undefined, false],
    [undefined, undefined, false],
  ])('status %s, code %s → permanent=%s', (status, code, permanent) => {
    expect(isPermanentRefreshFailure(status, code)).toBe(permanent);
  });
});

describe('refreshBackoffMs', () => {
  it('grows with each failure and is capped at five minutes', () => {
    const waits = [0, 1, 2, 3, 10, 50].map(refreshBackoffMs);
    expect(waits.slice(0, 4)).toEqual([0, 5_000, 10_000, 20_000]);
    expect(waits[4]).toBe(300_000);
    expect(waits[5]).toBe(300_000);
  });
});
