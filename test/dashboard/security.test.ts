import { describe, expect, it } from 'vitest';
import {
  checkRequest,
  isAllowedHost,
  isAllowedOrigin,
  isStateChanging,
  newDashboardToken,
  tokenMatches,
  type RequestFacts,
} from '../../src/dashboard/security.js';

const own = { port: 3434, token: 'tok_abc-123' };
const request = (facts: Partial<RequestFacts>): RequestFacts => ({
  method: 'GET',
  host: '127.0.0.1:3434',
  origin: undefined,
  token: undefined,
  contentType: undefined,
  ...facts,
});

describe('Host', () => {
  it.each([
    ['127.0.0.1:3434', true],
    ['localhost:3434', true],
    ['LOCALHOST:3434', true],
    ['127.0.0.1', false],
    ['127.0.0.1:3435', false],
    ['evil.example:3434', false],
    ['attacker.rebind.example', false],
    ['[::1]:3434', false],
    [undefined, false],
  ])('%s is allowed: %s', (host, allowed) => {
    expect(isAllowedHost(host, 3434)).toBe(allowed);
  });
});

describe('Origin', () => {
  it.each([
    [undefined, true],
    ['http://127.0.0.1:3434', true],
    ['http://localhost:3434', true],
    ['https://127.0.0.1:3434', false],
    ['http://127.0.0.1:3435', false],
    ['http://evil.example', false],
    ['null', false],
  ])('%s is allowed: %s', (origin, allowed) => {
    expect(isAllowedOrigin(origin, 3434)).toBe(allowed);
  });
});

describe('token', () => {
  it('matches only the exact token', () => {
    expect(tokenMatches('tok_abc-123', own.token)).toBe(true);
    expect(tokenMatches('tok_abc-124', own.token)).toBe(false);
    expect(tokenMatches('tok_abc-12', own.token)).toBe(false);
    expect(tokenMatches('', own.token)).toBe(false);
    expect(tokenMatches(undefined, own.token)).toBe(false);
  });

  it('is new and long on every start', () => {
    const a = newDashboardToken();
    expect(a).toMatch(/^[\w-]{43}$/);
    expect(newDashboardToken()).not.toBe(a);
  });

  it('is needed by everything but GET, HEAD and OPTIONS', () => {
    expect(['GET', 'head', 'OPTIONS'].map(isStateChanging)).toEqual([false, false, false]);
    expect(['POST', 'PUT', 'PATCH', 'DELETE'].map(isStateChanging)).toEqual([true, true, true, true]);
  });
});

describe('checkRequest', () => {
  it.each<[string, Partial<RequestFacts>, number | 'ok']>([
    ['a page load', {}, 'ok'],
    ['a page load by localhost', { host: 'localhost:3434' }, 'ok'],
    ['a rebound name', { host: 'evil.example:3434' }, 421],
    ['a rebound name, even with the token', { host: 'evil.example:3434', method: 'POST', token: own.token, contentType: 'application/json' }, 421],
    ['a read from another site', { origin: 'http://evil.example' }, 403],
    ['an action with the token', { method: 'POST', token: own.token, contentType: 'application/json', origin: 'http://127.0.0.1:3434' }, 'ok'],
    ['an action without the token', { method: 'POST', contentType: 'application/json' }, 403],
    ['an action with a wrong token', { method: 'POST', token: 'guess', contentType: 'application/json' }, 403],
    ['an action from another site with the token', { method: 'POST', token: own.token, contentType: 'application/json', origin: 'http://evil.example' }, 403],
    ['an action posted as a form', { method: 'POST', token: own.token, contentType: 'application/x-www-form-urlencoded' }, 415],
    ['an action with no body type', { method: 'POST', token: own.token }, 415],
  ])('%s', (_, facts, expected) => {
    const verdict = checkRequest(request(facts), own);
    if (expected === 'ok') expect(verdict).toEqual({ ok: true });
    else expect(verdict).toMatchObject({ ok: false, status: expected });
  });

  it('never repeats the token in a refusal', () => {
    const verdict = checkRequest(request({ method: 'POST', token: 'guess', contentType: 'application/json' }), own);
    expect(JSON.stringify(verdict)).not.toContain(own.token);
  });
});
