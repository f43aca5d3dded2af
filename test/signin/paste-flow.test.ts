import { describe, expect, it } from 'vitest';
import { readPastedCode } from '../../src/signin/paste-flow.js';
import { StateMismatchError, UnreadablePasteError } from '../../src/signin/errors.js';

describe('reading a pasted sign-in answer', () => {
  it.each([
    ['the full redirect address', 'http://localhost:1455/auth/callback?code=abc123&state=S', 'abc123'],
    ['the address in quotes with spaces around', '  "http://localhost:1456/auth/callback?code=abc123&state=S"  ', 'abc123'],
    ['just the query string', 'code=abc123&state=S', 'abc123'],
    ['a bare code', 'abc123', 'abc123'],
    ['an address without a state', 'http://localhost:1455/auth/callback?code=xyz', 'xyz'],
  ])('reads %s', (_label, text, code) => {
    expect(readPastedCode(text, 'S')).toBe(code);
  });

  it('refuses an address from another sign-in', () => {
    expect(() => readPastedCode('http://localhost:1455/auth/callback?code=abc&state=other', 'S')).toThrow(StateMismatchError);
  });

  it.each([
    ['empty text', '   '],
    ['an address without a code', 'http://localhost:1455/auth/callback?state=S'],
    ['an issuer error', 'http://localhost:1455/auth/callback?error=access_denied&state=S'],
    ['words', 'not a code'],
  ])('says why it cannot read %s', (_label, text) => {
    expect(() => readPastedCode(text, 'S')).toThrow(UnreadablePasteError);
  });
});
