import { afterEach, describe, expect, it } from 'vitest';
import { BAD_REPLY_COOLDOWN_MS, QUOTA_UNKNOWN_RESET_COOLDOWN_MS } from '../../src/codex/failover-policy.js';
import { greeting, type FaultRule } from '../sim/index.js';
import { parseSse } from '../sim/client.js';
import { requestPathFixture, type RequestPathFixture } from '../support/request-path-fixture.js';

/** Small deadlines, so a stalled account costs a test about a second; the margins below are generous. */
const DEADLINES = {
  OPENCODE_MULTI_AUTH_REQUEST_TIMEOUT: '1s',
  OPENCODE_MULTI_AUTH_ERROR_BODY_TIMEOUT: '1s',
  OPENCODE_MULTI_AUTH_FIRST_EVENT_TIMEOUT: '1s',
  OPENCODE_MULTI_AUTH_STREAM_IDLE_TIMEOUT: '2s',
};
/** However loaded the machine, a failover never takes this much longer than the deadline it waited out. */
const SLACK_MS = 8_000;

let fixture: RequestPathFixture | undefined;

async function start(env: Record<string, string> = DEADLINES): Promise<RequestPathFixture> {
  fixture = await requestPathFixture({ accounts: [{ accountId: 'work' }, { accountId: 'personal' }], env });
  return fixture;
}

afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

type BadReply = [name: string, fault: Omit<FaultRule, 'route' | 'accountId' | 'times'>, lastError: RegExp, cooldownReason: string | undefined, waitsMs: number];

const BEFORE_OUTPUT: BadReply[] = [
  ['no headers within the request timeout', { delayHeadersMs: 30_000 }, /^timed out: no response headers within 1 s/, 'timed out', 1_000],
  [
    'a 429 whose body stalls after the headers',
    { status: 429, body: '{"error":{"type":"rate_limit_exceeded"}}', stallBody: true },
    /^timed out: HTTP 429 /,
    'timed out',
    1_000,
  ],
  [
    'a 503 whose body stalls after the headers',
    { status: 503, body: '{"error":{"code":"server_is_overloaded"}}', stallBody: true },
    /^timed out: HTTP 503 /,
    'timed out',
    1_000,
  ],
  [
    'a 200 in text/html',
    { status: 200, body: '<!DOCTYPE html><html><body>Hello</body></html>', headers: { 'content-type': 'text/html; charset=utf-8' } },
    /^non-stream reply \(content-type: text\/html/,
    'bad reply',
    0,
  ],
  ['a 200 in JSON', { status: 200, body: '{"output":[{"type":"message"}]}' }, /^non-stream reply \(content-type: application\/json\)/, 'bad reply', 0],
  ['an empty event stream', { status: 200, body: '', headers: { 'content-type': 'text/event-stream' } }, /^stream ended without completion/, 'bad reply', 0],
  ['a stream that closes without response.completed', { endAfterEvents: 2 }, /^stream ended without completion$/, 'bad reply', 0],
  ['a stream whose first event is a top-level error', { errorEvent: { code: 'server_is_overloaded' } }, /^error event: server_is_overloaded$/, undefined, 0],
  [
    'a stream that ends with response.incomplete before any output',
    { incomplete: { reason: 'max_output_tokens' } },
    /^response\.incomplete before any output: max_output_tokens$/,
    'incomplete reply',
    0,
  ],
  ['an event that does not parse', { malformedJson: true }, /^event that does not parse: /, 'bad reply', 0],
  ['a stream that stalls before its first event', { stallAfterEvents: 0 }, /^timed out: no first event within 1 s$/, 'timed out', 1_000],
  [
    'a stream that stalls after response.created, before any output',
    { stallAfterEvents: 2 },
    /^timed out: silent for 2 s before any output$/,
    'timed out',
    2_000,
  ],
];

describe('request path: a reply is recognised as an answer before a byte reaches OpenCode', () => {
  it.each(BEFORE_OUTPUT)('fails over on %s, records why, and the good account serves', async (_name, fault, lastError, cooldownReason, waitsMs) => {
    const fx = await start();
    fx.sim.addFault({ route: 'responses', accountId: 'work', times: 1, ...fault });
    const started = Date.now();
    const reply = await fx.send();
    const took = Date.now() - started;

    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toContain('text/event-stream');
    expect(reply.text).toContain(greeting('personal'));
    expect(reply.text).not.toContain('work');
    expect(parseSse(reply.text).at(-1)?.event).toBe('response.completed');
    expect(fx.sim.counters.requests('responses', 'work')).toBe(1);
    expect(fx.sim.counters.requests('responses', 'personal')).toBe(1);
    expect(took).toBeGreaterThanOrEqual(waitsMs - 50);
    expect(took).toBeLessThan(waitsMs + SLACK_MS);

    const work = await fx.storedAccount('work');
    expect(work.health.lastError?.message).toMatch(lastError);
    expect(work.health.cooldownReason).toBe(cooldownReason);
    if (cooldownReason !== undefined && cooldownReason !== 'usage limit reached') {
      expect(work.health.cooldownUntil! - work.health.lastError!.at).toBe(BAD_REPLY_COOLDOWN_MS);
    }
    expect((await fx.storedAccount('personal')).health.lastError).toBeUndefined();
  });

  it('reads a usage_limit_reached error event as a 429 of the same meaning: quota cooldown, next account', async () => {
    const fx = await start();
    fx.sim.addFault({
      route: 'responses',
      accountId: 'work',
      times: 1,
      errorEvent: { code: 'usage_limit_reached', message: 'The usage limit has been reached' },
    });
    const reply = await fx.send();
    expect(reply.text).toContain(greeting('personal'));
    const work = await fx.storedAccount('work');
    expect(work.health.cooldownReason).toBe('usage limit reached');
    expect(work.health.lastError?.message).toBe('error event: usage_limit_reached');
    expect(work.health.cooldownUntil! - work.health.lastError!.at).toBe(QUOTA_UNKNOWN_RESET_COOLDOWN_MS);
    // The next request, a new session, goes straight to the other account.
    expect((await fx.send({ sessionId: 'ses_other' })).text).toContain(greeting('personal'));
    expect(fx.sim.counters.requests('responses', 'work')).toBe(1);
  });

  it('passes an error event about the request itself on to OpenCode: another account would fail the same', async () => {
    const fx = await start();
    fx.sim.addFault({
      route: 'responses',
      times: 1,
      errorEvent: { code: 'context_length_exceeded', message: 'Your input exceeds the context window of this model.' },
    });
    const reply = await fx.send();
    expect(reply.status).toBe(200);
    expect(parseSse(reply.text)).toEqual([{ event: 'error', data: expect.objectContaining({ type: 'error', code: 'context_length_exceeded' }) as unknown }]);
    expect(fx.responsesTried()).toEqual(['work']);
    expect((await fx.storedAccount('work')).health.cooldownUntil).toBeUndefined();
  });

  it('answers with every account named when each one only stalls', async () => {
    const fx = await start();
    fx.sim.addFault({ route: 'responses', stallAfterEvents: 0 });
    const reply = await fx.send();
    expect(reply.status).toBeGreaterThanOrEqual(400);
    const message = (JSON.parse(reply.text) as { error: { message: string } }).error.message;
    expect(message).toContain('work (timed out until');
    expect(message).toContain('personal (timed out until');
  });
});

describe('request path: the requests around a model request have deadlines too', () => {
  it('moves on when the issuer never answers a token refresh, instead of hanging the request', async () => {
    fixture = await requestPathFixture({
      accounts: [{ accountId: 'work' }, { accountId: 'personal' }],
      env: DEADLINES,
      smallReplyDeadlines: { headersMs: 1_000, idleMs: 1_000 },
      // Its access token has expired: the request must refresh it first.
      editStore: (data) => {
        data.accounts.find((account) => account.alias === 'work')!.tokens.expiresAt = Date.now() - 1_000;
      },
    });
    fixture.sim.addFault({ route: 'token', accountId: 'work', delayHeadersMs: 60_000 });
    const started = Date.now();
    const reply = await fixture.send();
    expect(reply.text).toContain(greeting('personal'));
    expect(Date.now() - started).toBeLessThan(1_000 + SLACK_MS);
    const work = await fixture.storedAccount('work');
    expect(work.health.cooldownReason).toBe('token refresh failing');
    expect(work.health.lastError?.message).toMatch(/^token refresh failed: .*no response headers within 1 s \(\/oauth\/token\)/);
  });
});

describe('request path: a stream that fails after output has reached OpenCode', () => {
  /** The events OpenCode received, by type. */
  const types = (text: string) => parseSse(text).map((event) => event.event);

  it('ends a stream that stalls mid-way with an error event OpenCode shows, and records it on the account', async () => {
    const fx = await start();
    fx.sim.addFault({ route: 'responses', accountId: 'work', times: 1, stallAfterEvents: 5 });
    const started = Date.now();
    const reply = await fx.send();
    expect(Date.now() - started).toBeLessThan(2_000 + SLACK_MS);
    // Five events of the answer (output among them), then the error event; never a completion.
    expect(types(reply.text)).toHaveLength(6);
    expect(types(reply.text)).toContain('response.output_item.added');
    expect(types(reply.text)).not.toContain('response.completed');
    const error = parseSse(reply.text).at(-1)!.data;
    expect(error).toMatchObject({ type: 'error', code: 'stream_timeout', param: null, sequence_number: 0 });
    expect(error.message).toMatch(/went silent for 2 s in the middle of the answer \(account work\)/);
    expect(fx.sim.counters.requests('responses', 'personal')).toBe(0);
    const work = await fx.storedAccount('work');
    expect(work.health.lastError?.message).toBe('stream silent past the idle deadline after output had started');
    // No cooldown: OpenCode retries the turn, and the session's own account gets that try.
    expect(work.health.cooldownUntil).toBeUndefined();
    expect((await fx.send()).text).toContain(greeting('work'));
  });

  it('adds an error event when the stream closes after output without response.completed', async () => {
    const fx = await start();
    fx.sim.addFault({ route: 'responses', accountId: 'work', times: 1, endAfterEvents: 5 });
    const reply = await fx.send();
    expect(types(reply.text)).toHaveLength(6);
    expect(types(reply.text)).not.toContain('response.completed');
    expect(parseSse(reply.text).at(-1)!.data).toMatchObject({ type: 'error', code: 'stream_truncated' });
    expect((await fx.storedAccount('work')).health.lastError?.message).toBe('stream ended without completion after output had started');
  });

  it('adds an error event when the connection breaks after output', async () => {
    const fx = await start();
    fx.sim.addFault({ route: 'responses', accountId: 'work', times: 1, resetMidStream: true });
    const reply = await fx.send();
    expect(parseSse(reply.text).at(-1)!.data).toMatchObject({ type: 'error', code: 'stream_broken' });
    expect((await fx.storedAccount('work')).health.lastError?.message).toBe('stream connection broke after output had started');
  });

  it('passes an error event after output on as it came and records it on the account', async () => {
    const fx = await start();
    fx.sim.addFault({ route: 'responses', accountId: 'work', times: 1, errorEvent: { code: 'server_is_overloaded', message: 'Overloaded', afterEvents: 5 } });
    const reply = await fx.send();
    expect(types(reply.text)).toHaveLength(6);
    expect(parseSse(reply.text).at(-1)!.data).toMatchObject({ type: 'error', code: 'server_is_overloaded', message: 'Overloaded' });
    expect((await fx.storedAccount('work')).health.lastError?.message).toBe('error event mid-stream (server_is_overloaded): Overloaded');
  });

  it('passes response.incomplete after output on as it came and records it on the account', async () => {
    const fx = await start();
    fx.sim.addFault({ route: 'responses', accountId: 'work', times: 1, incomplete: { reason: 'max_output_tokens', afterEvents: 5 } });
    const reply = await fx.send();
    expect(types(reply.text).at(-1)).toBe('response.incomplete');
    expect((await fx.storedAccount('work')).health.lastError?.message).toBe('response.incomplete mid-stream (max_output_tokens)');
  });
});

describe("request path: OpenCode's abort is always honoured", () => {
  const abortAfter = (ms: number) => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new DOMException('The user stopped the turn', 'AbortError')), ms);
    return controller.signal;
  };
  /** Generous deadlines: only the abort can end these waits in time. */
  const LONG = {
    OPENCODE_MULTI_AUTH_FIRST_EVENT_TIMEOUT: '60s',
    OPENCODE_MULTI_AUTH_ERROR_BODY_TIMEOUT: '60s',
    OPENCODE_MULTI_AUTH_STREAM_IDLE_TIMEOUT: '60s',
  };

  it.each<[string, Omit<FaultRule, 'route'>]>([
    ['while the head of the stream is held back', { stallAfterEvents: 2 }],
    ['while an error body is awaited', { status: 503, stallBody: true }],
  ])('%s: the request ends with the abort, no other account is tried, nothing is marked', async (_name, fault) => {
    const fx = await start(LONG);
    fx.sim.addFault({ route: 'responses', ...fault });
    const started = Date.now();
    await expect(fx.send({ signal: abortAfter(300) })).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(SLACK_MS);
    expect(fx.sim.counters.requests('responses', 'personal')).toBe(0);
    const work = await fx.storedAccount('work');
    expect(work.health.lastError).toBeUndefined();
    expect(work.health.cooldownUntil).toBeUndefined();
  });

  it('after output has started: the body read ends with the abort, not an invented error event', async () => {
    const fx = await start(LONG);
    fx.sim.addFault({ route: 'responses', stallAfterEvents: 5 });
    const started = Date.now();
    await expect(fx.send({ signal: abortAfter(500) })).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(SLACK_MS);
    expect((await fx.storedAccount('work')).health.lastError).toBeUndefined();
  });
});
