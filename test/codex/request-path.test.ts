import { afterEach, describe, expect, it } from 'vitest';
import { shapeRequestBody } from '../../src/codex/shape-request.js';
import { CHALLENGE_COOLDOWN_MS, WORKSPACE_DEACTIVATED_MS } from '../../src/codex/failover-policy.js';
import { STORE_FILE_NAME } from '../../src/store/account-store.js';
import { greeting, type SimAccountSpec } from '../sim/index.js';
import {
  openCodeRequestBody,
  requestPathFixture,
  tokensSeenBySimulator,
  type RequestPathFixture,
  type RequestPathFixtureOptions,
} from '../support/request-path-fixture.js';
import fs from 'node:fs/promises';
import path from 'node:path';

const THREE: SimAccountSpec[] = [{ accountId: 'work' }, { accountId: 'personal' }, { accountId: 'spare' }];

let fixture: RequestPathFixture | undefined;

async function start(options: Partial<RequestPathFixtureOptions> = {}): Promise<RequestPathFixture> {
  fixture = await requestPathFixture({ accounts: THREE, ...options });
  return fixture;
}

afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

/** The decision records the plugin logged, parsed. */
function decisions(fx: RequestPathFixture): {
  reason: string;
  because?: string;
  attempts: { account: string; status?: number; outcome: string }[];
  others: { account: string; why: string }[];
  explanation?: string;
}[] {
  return fx.logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.message === 'request routed') as never;
}

describe('request path: failover against the simulator', () => {
  it('serves from the first account when nothing is wrong, and never sends max_output_tokens', async () => {
    const fx = await start();
    const reply = await fx.send();
    expect(reply.status).toBe(200);
    expect(reply.text).toContain('response.completed');
    expect(reply.text).toContain(greeting('work'));
    expect(fx.responsesTried()).toEqual(['work']);
    const sent = fx.sim.log.find((entry) => entry.route === 'responses')!;
    expect(sent.body).not.toHaveProperty('max_output_tokens');
    expect(sent.headers['chatgpt-account-id']).toBe('work');
    expect(sent.headers.authorization).toBe(`Bearer ${fx.signedIn.work!.access_token}`);
    expect((await fx.storedAccount('work')).stats.requests).toBe(1);
  });

  it('cools an account out of quota until resets_at and serves from the next', async () => {
    const fx = await start();
    fx.sim.setUsage('work', { fiveHourUsedPercent: 100 });
    const reply = await fx.send();
    expect(reply.status).toBe(200);
    expect(reply.text).toContain(greeting('personal'));
    expect(fx.responsesTried()).toEqual(['work', 'personal']);
    const work = await fx.storedAccount('work');
    const resetsAtSeconds = Math.ceil(fx.sim.usage('work').fiveHourResetsAt / 1000);
    expect(work.health.cooldownUntil).toBe(resetsAtSeconds * 1000);
    expect(work.health.cooldownReason).toBe('usage limit reached');
    expect(work.health.reloginRequired).toBeUndefined();
  });

  it('keeps the session on the next account once its own is out of quota', async () => {
    const fx = await start();
    expect((await fx.send()).text).toContain(greeting('work'));
    fx.sim.setUsage('work', { fiveHourUsedPercent: 100 });
    expect((await fx.send()).text).toContain(greeting('personal'));
    expect((await fx.send()).text).toContain(greeting('personal'));
    expect(fx.responsesTried()).toEqual(['work', 'work', 'personal', 'personal']);
  });

  it('gives a burst 429 a short cooldown of what retry-after asked, not hours', async () => {
    const fx = await start();
    fx.sim.addFault({
      route: 'responses',
      accountId: 'work',
      times: 1,
      status: 429,
      body: '{"error":{"type":"rate_limit_exceeded"}}',
      headers: { 'retry-after': '7' },
    });
    const before = fx.sim.clock.now();
    const reply = await fx.send();
    const after = fx.sim.clock.now();
    expect(reply.text).toContain(greeting('personal'));
    expect(fx.responsesTried()).toEqual(['work', 'personal']);
    const work = await fx.storedAccount('work');
    expect(work.health.cooldownUntil).toBeGreaterThanOrEqual(before + 7_000);
    expect(work.health.cooldownUntil).toBeLessThanOrEqual(after + 7_000);
    expect(work.health.cooldownReason).toBe('briefly throttled (burst)');
  });

  it('refreshes the token once on a 401 and retries the same account, which serves', async () => {
    const fx = await start();
    fx.sim.addFault({ route: 'responses', accountId: 'work', times: 1, status: 401, body: '{"error":{"code":"token_expired","message":"expired"}}' });
    const reply = await fx.send();
    expect(reply.status).toBe(200);
    expect(reply.text).toContain(greeting('work'));
    expect(fx.responsesTried()).toEqual(['work', 'work']);
    expect(fx.sim.counters.refreshes('work')).toBe(1);
    const [first, second] = fx.sim.log.filter((entry) => entry.route === 'responses');
    expect(second!.headers.authorization).not.toBe(first!.headers.authorization);
    const work = await fx.storedAccount('work');
    expect(work.tokens.accessToken).not.toBe(fx.signedIn.work!.access_token);
    expect(work.health.reloginRequired).toBeUndefined();
  });

  it('moves on with the backend\'s words, and no "new sign-in", when the token is refused again after a successful refresh', async () => {
    const fx = await start();
    fx.sim.addFault({ route: 'responses', accountId: 'work', times: 2, status: 401, body: '{"error":{"code":"token_revoked"}}' });
    const reply = await fx.send();
    expect(reply.text).toContain(greeting('personal'));
    expect(fx.responsesTried()).toEqual(['work', 'work', 'personal']);
    expect(fx.sim.counters.refreshes('work')).toBe(1);
    const work = await fx.storedAccount('work');
    // The refresh token just worked: a new sign-in would change nothing.
    expect(work.health.reloginRequired).toBeUndefined();
    expect(work.health.cooldownReason).toContain('401 token_revoked');
    expect(work.health.lastError?.message).toContain('the backend refused a freshly refreshed token');
  });

  it('marks re-login and moves on when the account was revoked and its refresh fails', async () => {
    const fx = await start();
    fx.sim.revokeAccountTokens('work');
    const reply = await fx.send();
    expect(reply.text).toContain(greeting('personal'));
    expect(fx.responsesTried()).toEqual(['work', 'personal']);
    expect((await fx.storedAccount('work')).health.reloginRequired).toBeDefined();
    // The next request, a new session, does not try the account again.
    const next = await fx.send({ sessionId: 'ses_other' });
    expect(next.status).toBe(200);
    expect(fx.responsesTried().filter((accountId) => accountId === 'work')).toHaveLength(1);
  });

  it('gives a 403 challenge a short cooldown and moves on, without asking for a sign-in', async () => {
    const fx = await start();
    fx.sim.addFault({ route: 'responses', accountId: 'work', times: 1, challenge: true });
    const before = fx.sim.clock.now();
    const reply = await fx.send();
    const after = fx.sim.clock.now();
    expect(reply.text).toContain(greeting('personal'));
    expect(fx.responsesTried()).toEqual(['work', 'personal']);
    const work = await fx.storedAccount('work');
    expect(work.health.cooldownUntil).toBeGreaterThanOrEqual(before + CHALLENGE_COOLDOWN_MS);
    expect(work.health.cooldownUntil).toBeLessThanOrEqual(after + CHALLENGE_COOLDOWN_MS);
    expect(work.health.reloginRequired).toBeUndefined();
  });

  it('sets a deactivated workspace aside for 30 minutes on a 402 and moves on', async () => {
    const fx = await start({ accounts: [{ accountId: 'work', deactivated: true }, { accountId: 'personal' }] });
    const before = fx.sim.clock.now();
    const reply = await fx.send();
    const after = fx.sim.clock.now();
    expect(reply.text).toContain(greeting('personal'));
    expect(fx.responsesTried()).toEqual(['work', 'personal']);
    const work = await fx.storedAccount('work');
    expect(work.health.workspaceDeactivatedUntil).toBeGreaterThanOrEqual(before + WORKSPACE_DEACTIVATED_MS);
    expect(work.health.workspaceDeactivatedUntil).toBeLessThanOrEqual(after + WORKSPACE_DEACTIVATED_MS);
  });

  it('marks a model unsupported on that account for that model only', async () => {
    const fx = await start({ accounts: [{ accountId: 'work', unsupportedModels: ['gpt-5.4'] }, { accountId: 'personal' }] });
    const reply = await fx.send();
    expect(reply.text).toContain(greeting('personal'));
    expect(fx.responsesTried()).toEqual(['work', 'personal']);
    const work = await fx.storedAccount('work');
    expect(Object.keys(work.health.unsupportedModels ?? {})).toEqual(['gpt-5.4']);
    expect(work.health.cooldownUntil).toBeUndefined();
    // Another model still goes to the account (it was used longest ago).
    const other = await fx.send({ body: openCodeRequestBody({ model: 'gpt-5.3-codex' }), sessionId: 'ses_other' });
    expect(other.text).toContain(greeting('work'));
    // And the first model no longer tries it at all.
    await fx.send({ sessionId: 'ses_third' });
    expect(fx.responsesTried()).toEqual(['work', 'personal', 'work', 'personal']);
  });

  it('moves on after a 5xx without benching the account', async () => {
    const fx = await start();
    fx.sim.addFault({ route: 'responses', accountId: 'work', times: 1, status: 503, body: '{"error":{"code":"server_is_overloaded"}}' });
    const reply = await fx.send();
    expect(reply.text).toContain(greeting('personal'));
    expect(fx.responsesTried()).toEqual(['work', 'personal']);
    const work = await fx.storedAccount('work');
    expect(work.health.cooldownUntil).toBeUndefined();
    expect(work.health.reloginRequired).toBeUndefined();
  });

  it('moves on when an account sends no headers within the request timeout', async () => {
    const fx = await start({ env: { OPENCODE_MULTI_AUTH_REQUEST_TIMEOUT: '1s' } });
    fx.sim.addFault({ route: 'responses', accountId: 'work', times: 1, delayHeadersMs: 4_000 });
    const reply = await fx.send();
    expect(reply.status).toBe(200);
    expect(reply.text).toContain(greeting('personal'));
    expect(fx.sim.counters.requests('responses', 'work')).toBe(1);
    expect(fx.sim.counters.requests('responses', 'personal')).toBe(1);
    const [record] = decisions(fx);
    expect(record!.attempts.map((attempt) => [attempt.account, attempt.outcome.split(':')[0]])).toEqual([
      ['work', 'timed out'],
      ['personal', 'served'],
    ]);
  });

  it('tries each account at most once per request', async () => {
    const fx = await start();
    fx.sim.addFault({ route: 'responses', status: 503, body: '{"error":{"code":"server_is_overloaded"}}' });
    const reply = await fx.send();
    // A passing outage on every account is retryable, unlike an account problem.
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toBe('2');
    expect(fx.responsesTried()).toEqual(['work', 'personal', 'spare']);
    const message = (JSON.parse(reply.text) as { error: { message: string } }).error.message;
    for (const alias of ['work', 'personal', 'spare']) expect(message).toContain(`${alias}: HTTP 503 server error`);
  });
});

describe('request path: streams', () => {
  it('passes a response.failed stream on intact and records it on the account', async () => {
    const fx = await start();
    fx.sim.addFault({ route: 'responses', accountId: 'work', times: 1, responseFailed: true });
    const reply = await fx.send();
    expect(reply.status).toBe(200);
    expect(reply.text).toContain('event: response.output_text.delta');
    expect(reply.text.trimEnd()).toMatch(/event: response\.failed\ndata: .*"code":"server_error".*\}$/);
    expect(fx.responsesTried()).toEqual(['work']);
    const work = await fx.storedAccount('work');
    expect(work.health.lastError?.message).toContain('response.failed mid-stream (server_error)');
  });

  it('returns a stream byte-identical to a direct request to the backend, ids aside', async () => {
    const fx = await start();
    const body = openCodeRequestBody();
    const viaPlugin = await fx.send({ body });
    const work = await fx.storedAccount('work');
    const direct = await fetch(`${fx.sim.baseUrl}/codex/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${work.tokens.accessToken}`, 'chatgpt-account-id': work.chatgptAccountId, 'content-type': 'application/json' },
      body: JSON.stringify(shapeRequestBody(body)),
    });
    const directText = await direct.text();
    expect(direct.status).toBe(200);
    const normalized = (text: string) =>
      text
        .replace(/\b(resp|msg|rs)_[A-Za-z0-9_-]+/g, '$1_ID')
        .replace(/enc:[^"]+/g, 'enc:ID')
        .replace(/"created_at":\d+/g, '"created_at":T');
    expect(normalized(viaPlugin.text)).toBe(normalized(directText));
    expect(viaPlugin.text.length).toBe(directText.length);
  });

  it('drops reasoning from another account when a session moves, so the new account serves', async () => {
    const fx = await start();
    const first = await fx.send({ body: openCodeRequestBody({ include: ['reasoning.encrypted_content'] }) });
    expect(first.text).toContain(greeting('work'));
    const encrypted = /"encrypted_content":"(enc:work:[^"]+)"/.exec(first.text)?.[1];
    expect(encrypted).toBeDefined();

    fx.sim.setUsage('work', { fiveHourUsedPercent: 100 });
    const input = [
      { role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
      { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: encrypted },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: greeting('work') }] },
      { role: 'user', content: [{ type: 'input_text', text: 'and again' }] },
    ];
    const moved = await fx.send({ body: openCodeRequestBody({ input }) });
    expect(moved.status).toBe(200);
    expect(moved.text).toContain(greeting('personal'));
    expect(fx.responsesTried()).toEqual(['work', 'work', 'personal']);
    const sent = fx.sim.log.filter((entry) => entry.route === 'responses').map((entry) => (entry.body as { input: { type?: string }[] }).input);
    expect(sent[1]!.some((item) => item.type === 'reasoning')).toBe(true);
    expect(sent[2]!.some((item) => item.type === 'reasoning')).toBe(false);
    expect(sent[2]!).toHaveLength(3);
  });
});

describe('request path: when no account can serve', () => {
  it('answers 429 with retry-after when the first account comes back within the max retry wait', async () => {
    const fx = await start({ accounts: [{ accountId: 'work' }, { accountId: 'personal' }] });
    fx.sim.addFault({ route: 'responses', status: 429, body: '{"error":{"type":"rate_limit_exceeded"}}', headers: { 'retry-after': '5' } });
    const reply = await fx.send();
    expect(reply.status).toBe(429);
    const retryAfter = Number(reply.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(5);
    const message = (JSON.parse(reply.text) as { error: { message: string } }).error.message;
    expect(message).toContain('work (briefly throttled (burst) until');
    expect(message).toContain('personal (briefly throttled (burst) until');
    expect(message).toMatch(/First back: (work|personal) at \d\d:\d\d \S+ \(in /);
  });

  it('answers 400 at once, naming every account, its reason and the time, when the wait is longer', async () => {
    const fx = await start({ accounts: [{ accountId: 'work' }, { accountId: 'personal' }] });
    fx.sim.setUsage('work', { fiveHourUsedPercent: 100 });
    fx.sim.setUsage('personal', { weeklyUsedPercent: 100 });
    const reply = await fx.send();
    expect(reply.status).toBe(400);
    // No retry-after: OpenCode would honour it even on a 400 whose message looks like a limit, silently.
    expect(reply.headers.get('retry-after')).toBeNull();
    expect(reply.headers.get('retry-after-ms')).toBeNull();
    const message = (JSON.parse(reply.text) as { error: { message: string } }).error.message;
    expect(message).toMatch(/^No eligible account: /);
    // Named by the window that ran out, once: not also as a cooldown.
    expect(message).toContain('work (5h limit (100% used) until');
    expect(message).toContain('personal (weekly limit (100% used) until');
    expect(message).not.toContain('usage limit reached');
    expect(message).toMatch(/First back: work at \d\d:\d\d \S+ \(in \d h/);
    expect(message.indexOf('work (')).toBeLessThan(message.indexOf('personal ('));
    // The next request is answered from the store without calling the backend again.
    const again = await fx.send({ sessionId: 'ses_other' });
    expect(again.status).toBe(400);
    expect(fx.responsesTried()).toEqual(['work', 'personal']);
  });

  it('answers 401 naming the login command when the store has no account', async () => {
    const fx = await start({ accounts: [] });
    const reply = await fx.send();
    expect(reply.status).toBe(401);
    expect(reply.text).toContain('opencode-multi-auth login');
    expect(fx.responsesTried()).toEqual([]);
  });

  it('answers with an error naming a corrupt store file and leaves the file untouched', async () => {
    const corrupt = '{"version":1,"accounts":[{"id":';
    const fx = await start({
      writeStore: async (dir) => {
        await fs.mkdir(dir, { recursive: true });
        await fs.writeFile(path.join(dir, STORE_FILE_NAME), corrupt);
      },
    });
    const file = path.join(fx.dir, STORE_FILE_NAME);
    const reply = await fx.send();
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect((JSON.parse(reply.text) as { error: { message: string } }).error.message).toContain(file);
    expect(await fs.readFile(file, 'utf8')).toBe(corrupt);
    expect(fx.responsesTried()).toEqual([]);
  });
});

describe('request path: decision log', () => {
  it('writes one decision record per request and never a token', async () => {
    const fx = await start();
    fx.sim.addFault({ route: 'responses', accountId: 'work', times: 1, status: 401, body: '{"error":{"code":"token_expired"}}' });
    await fx.send();
    fx.sim.setUsage('work', { fiveHourUsedPercent: 100 });
    await fx.send();
    await fx.send({ sessionId: 'ses_other' });
    const records = decisions(fx);
    expect(records).toHaveLength(3);
    expect(records[0]!.attempts.map((attempt) => attempt.account)).toEqual(['work', 'work']);
    expect(records[1]!.attempts.map((attempt) => [attempt.account, attempt.outcome])).toEqual([
      ['work', 'HTTP 429 usage limit reached'],
      ['personal', 'served'],
    ]);
    // The record also says why the accounts it did not try were passed over.
    expect(records[1]!.others).toEqual([{ account: 'spare', why: 'eligible, not chosen' }]);
    expect(records[2]!.others.find((other) => other.account === 'work')?.why).toMatch(/^5h limit \(100% used\) until /);
    // And why the account that served was chosen.
    expect(records[0]!.because).toMatch(/^the account whose quota is most at risk of expiring unused \(/);
    expect(records[2]!.because).toMatch(/^the account whose quota is most at risk of expiring unused \(.* units\/h: /);

    const stored = await fx.storedData();
    const tokens = tokensSeenBySimulator(fx);
    for (const account of stored.accounts) tokens.push(account.tokens.accessToken, account.tokens.refreshToken, account.tokens.idToken ?? '');
    const secrets = tokens.filter((token) => token.length >= 16);
    expect(secrets.length).toBeGreaterThanOrEqual(9);
    const log = fx.logLines.join('\n');
    for (const secret of secrets) expect(log.includes(secret), `log contains a token`).toBe(false);
  });
});
