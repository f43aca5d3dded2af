import { describe, expect, it } from 'vitest';
import {
  challengeBackoffMs,
  classifyUsageAnswer,
  fallsBackToOtherRoute,
  isRetriedOnSameRoute,
  type UsageAnswer,
} from '../../src/usage/classify-usage-answer.js';

const json = (status: number, body: unknown): UsageAnswer => ({ status, contentType: 'application/json', body: JSON.stringify(body) });

describe('classifyUsageAnswer', () => {
  it.each<[string, UsageAnswer, string]>([
    ['200 JSON', json(200, { rate_limit: null }), 'ok'],
    ['403 with cf-mitigated: challenge', { status: 403, cfMitigated: 'challenge', body: '' }, 'challenge'],
    ['403 with an HTML body and no header', { status: 403, body: '<!DOCTYPE html><html>Just a moment...' }, 'challenge'],
    ['200 with an HTML page', { status: 200, contentType: 'text/html; charset=utf-8', body: '<html></html>' }, 'challenge'],
    ['403 JSON', json(403, { detail: 'Forbidden' }), 'forbidden'],
    ['401', json(401, { error: { code: 'token_expired' } }), 'unauthorized'],
    ['402 deactivated_workspace', json(402, { detail: { code: 'deactivated_workspace' } }), 'deactivated-workspace'],
    ['402 something else', json(402, { detail: { code: 'payment_required' } }), 'http'],
    ['404', json(404, { detail: 'Not Found' }), 'not-found'],
    ['429', json(429, { error: { type: 'rate_limited' } }), 'rate-limited'],
    ['500', json(500, { detail: 'boom' }), 'http'],
  ])('%s', (_name, answer, kind) => {
    expect(classifyUsageAnswer(answer).kind).toBe(kind);
  });
});

describe('retry and fallback rules', () => {
  it('retries only a challenge on the same route', () => {
    expect(isRetriedOnSameRoute('challenge')).toBe(true);
    for (const kind of ['forbidden', 'not-found', 'http', 'unauthorized', 'malformed'] as const) expect(isRetriedOnSameRoute(kind)).toBe(false);
  });

  it('falls back to the other route on 403 (JSON or challenge) and 404 only', () => {
    expect(['forbidden', 'not-found', 'challenge'].every((kind) => fallsBackToOtherRoute(kind as never))).toBe(true);
    expect(['unauthorized', 'deactivated-workspace', 'http', 'timeout', 'network'].some((kind) => fallsBackToOtherRoute(kind as never))).toBe(false);
  });

  it.each([
    [0, 0, 250],
    [0, 0.999, 750],
    [2, 0.5, 2_000],
    [10, 0.5, 8_000],
  ])('backoff after attempt %i with random %f is %i ms', (attempt, random, expected) => {
    expect(challengeBackoffMs(attempt, 500, 8_000, random)).toBeCloseTo(expected, -1);
  });
});
