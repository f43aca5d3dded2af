import { describe, expect, it } from 'vitest';
import { classifyReply, type ReplyVerdict } from '../../src/codex/classify-response.js';

const NOW = Date.UTC(2026, 4, 12, 10, 0, 0);

interface Row {
  name: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  expected: ReplyVerdict;
}

const json = (value: unknown) => JSON.stringify(value);

const ROWS: Row[] = [
  { name: '200 is served', status: 200, expected: { kind: 'ok' } },
  {
    name: '429 usage_limit_reached with resets_at is out of quota until then',
    status: 429,
    body: { error: { type: 'usage_limit_reached', plan_type: 'plus', resets_at: NOW / 1000 + 7200 } },
    expected: { kind: 'quota-exhausted', resetsAt: NOW + 7_200_000, planType: 'plus' },
  },
  {
    name: '429 usage_limit_reached with resets_in_seconds is out of quota from now',
    status: 429,
    body: { error: { type: 'usage_limit_reached', resets_in_seconds: 600 } },
    expected: { kind: 'quota-exhausted', resetsAt: NOW + 600_000, planType: undefined },
  },
  {
    name: '429 usage_limit_reached without a time is out of quota with the reset unknown',
    status: 429,
    body: { error: { code: 'usage_limit_reached' } },
    expected: { kind: 'quota-exhausted', resetsAt: undefined, planType: undefined },
  },
  {
    name: "429 usage_limit_reached naming a limit family in x-codex-active-limit is that family's (PROTOCOL §8)",
    status: 429,
    headers: { 'x-codex-active-limit': 'codex_bengalfox' },
    body: { error: { type: 'usage_limit_reached', resets_at: NOW / 1000 + 600 } },
    expected: { kind: 'quota-exhausted', resetsAt: NOW + 600_000, planType: undefined, family: 'codex_bengalfox' },
  },
  {
    name: '429 usage_limit_reached naming premium is the account-wide limit',
    status: 429,
    headers: { 'x-codex-active-limit': 'premium' },
    body: { error: { type: 'usage_limit_reached', resets_at: NOW / 1000 + 600 } },
    expected: { kind: 'quota-exhausted', resetsAt: NOW + 600_000, planType: undefined },
  },
  {
    name: '429 usage_not_included means the plan lacks Codex',
    status: 429,
    body: { error: { type: 'usage_not_included' } },
    expected: { kind: 'plan-excludes-codex' },
  },
  {
    name: 'another 429 with retry-after (seconds) is a burst',
    status: 429,
    headers: { 'retry-after': '7' },
    body: { error: { type: 'rate_limit_exceeded' } },
    expected: { kind: 'burst-limit', retryAfterMs: 7_000 },
  },
  {
    name: 'another 429 with retry-after-ms is a burst, and retry-after-ms wins',
    status: 429,
    headers: { 'retry-after-ms': '1500', 'retry-after': '9' },
    body: { error: { type: 'rate_limit_exceeded' } },
    expected: { kind: 'burst-limit', retryAfterMs: 1_500 },
  },
  {
    name: 'another 429 with retry-after as an HTTP date is a burst until then',
    status: 429,
    headers: { 'retry-after': new Date(NOW + 30_000).toUTCString() },
    body: 'slow down',
    expected: { kind: 'burst-limit', retryAfterMs: 30_000 },
  },
  { name: 'another 429 with no hint is a burst of unknown length', status: 429, body: '', expected: { kind: 'burst-limit', retryAfterMs: undefined } },
  {
    name: '401 is unauthorized, with its code',
    status: 401,
    body: { error: { code: 'token_expired' } },
    expected: { kind: 'unauthorized', code: 'token_expired' },
  },
  {
    name: "401 keeps the backend's words for the record",
    status: 401,
    body: { error: { code: 'token_revoked', message: 'Your authentication token has been invalidated.' } },
    expected: { kind: 'unauthorized', code: 'token_revoked', message: 'Your authentication token has been invalidated.' },
  },
  {
    name: '401 "Workspace is not authorized in this region." is the workspace\'s region, not the token (PROTOCOL.md §8)',
    status: 401,
    body: { error: { message: 'Workspace is not authorized in this region.' }, status: 401 },
    expected: { kind: 'workspace-region', message: 'Workspace is not authorized in this region.' },
  },
  {
    name: '400 {"detail": "The \'<model>\' model is not supported when using Codex with a ChatGPT account."} is that model missing (PROTOCOL.md §8)',
    status: 400,
    body: { detail: "The 'gpt-5.5' model is not supported when using Codex with a ChatGPT account." },
    expected: { kind: 'model-unsupported', message: "The 'gpt-5.5' model is not supported when using Codex with a ChatGPT account." },
  },
  {
    name: '400 {"detail": "Unsupported parameter: temperature"} is a request error (PROTOCOL.md §8)',
    status: 400,
    body: { detail: 'Unsupported parameter: temperature' },
    expected: { kind: 'request-error' },
  },
  {
    name: '403 with an HTML body is a challenge',
    status: 403,
    headers: { 'content-type': 'text/html' },
    body: '<!DOCTYPE html><html><title>Just a moment...</title></html>',
    expected: { kind: 'challenge' },
  },
  { name: '403 HTML without a content type is a challenge', status: 403, body: '<html>blocked</html>', expected: { kind: 'challenge' } },
  {
    name: '403 with cf-mitigated: challenge is a challenge whatever the body',
    status: 403,
    headers: { 'cf-mitigated': 'challenge', 'content-type': 'application/json' },
    body: { error: { message: 'x' } },
    expected: { kind: 'challenge' },
  },
  {
    name: '403 JSON is forbidden, not a challenge',
    status: 403,
    headers: { 'content-type': 'application/json' },
    body: { error: { message: 'You do not have access to this resource' } },
    expected: { kind: 'forbidden', message: 'You do not have access to this resource' },
  },
  {
    name: '402 deactivated_workspace is a deactivated workspace',
    status: 402,
    body: { detail: { code: 'deactivated_workspace' } },
    expected: { kind: 'workspace-deactivated' },
  },
  {
    name: '400 model not supported is model-unsupported',
    status: 400,
    body: { error: { message: "The 'gpt-5.4' model is not supported when using Codex with a ChatGPT account.", type: 'invalid_request_error' } },
    expected: { kind: 'model-unsupported', message: "The 'gpt-5.4' model is not supported when using Codex with a ChatGPT account." },
  },
  {
    name: '400 invalid_encrypted_content is foreign reasoning',
    status: 400,
    body: { error: { code: 'invalid_encrypted_content', message: 'The encrypted content could not be verified. organization_id did not match.' } },
    expected: { kind: 'foreign-reasoning' },
  },
  {
    name: '400 Unsupported parameter is a request error, not model-unsupported',
    status: 400,
    body: { error: { message: 'Unsupported parameter: max_output_tokens', type: 'invalid_request_error', param: 'max_output_tokens' } },
    expected: { kind: 'request-error' },
  },
  {
    name: '400 unsupported parameter for the model is a request error too',
    status: 400,
    body: { error: { message: "Unsupported parameter: 'temperature' is not supported with this model." } },
    expected: { kind: 'request-error' },
  },
  {
    name: '400 Stream must be set to true is a request error',
    status: 400,
    body: { detail: 'Stream must be set to true' },
    expected: { kind: 'request-error' },
  },
  { name: '500 is a server error', status: 500, body: { error: { message: 'boom' } }, expected: { kind: 'server-error', retryAfterMs: undefined } },
  {
    name: '503 server_is_overloaded with retry-after is a server error with its wait',
    status: 503,
    headers: { 'retry-after': '2' },
    body: { error: { code: 'server_is_overloaded' } },
    expected: { kind: 'server-error', retryAfterMs: 2_000 },
  },
  {
    name: '502 with an HTML body is a server error',
    status: 502,
    body: '<html>Bad gateway</html>',
    expected: { kind: 'server-error', retryAfterMs: undefined },
  },
];

describe('classifyReply', () => {
  it.each(ROWS)('$name', ({ status, headers, body, expected }) => {
    const text = body === undefined ? '' : typeof body === 'string' ? body : json(body);
    expect(classifyReply(status, new Headers(headers), text, NOW)).toEqual(expected);
  });
});
