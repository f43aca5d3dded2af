import { afterEach, describe, expect, it } from 'vitest';
import { findAccountByAlias, setPin } from '../../src/store/mutations.js';
import type { StoreData } from '../../src/store/schema.js';
import { greeting, type SimAccountSpec } from '../sim/index.js';
import { requestPathFixture, type RequestPathFixture, type RequestPathFixtureOptions } from '../support/request-path-fixture.js';

const THREE: SimAccountSpec[] = [{ accountId: 'work' }, { accountId: 'personal' }, { accountId: 'spare' }];
const HOUR = 3_600_000;

let fixture: RequestPathFixture | undefined;

async function start(options: Partial<RequestPathFixtureOptions> = {}): Promise<RequestPathFixture> {
  fixture = await requestPathFixture({ accounts: THREE, ...options });
  return fixture;
}

afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

function byAlias(data: StoreData, alias: string) {
  const account = findAccountByAlias(data, alias);
  if (!account) throw new Error(`no account ${alias}`);
  return account;
}

function errorMessage(text: string): string {
  return (JSON.parse(text) as { error: { message: string } }).error.message;
}

describe('request path: routing through the runtime', () => {
  it('keeps a session on its account and spreads new sessions to the account used longest ago', async () => {
    const fx = await start();
    await fx.send({ sessionId: 'ses_a' });
    await fx.send({ sessionId: 'ses_b' });
    await fx.send({ sessionId: 'ses_a' });
    await fx.send({ sessionId: 'ses_c' });
    await fx.send({ sessionId: 'ses_b' });
    expect(fx.responsesTried()).toEqual(['work', 'personal', 'work', 'spare', 'personal']);
  });

  it('records which account serves a session in the store, so another process resumes it there', async () => {
    const fx = await start();
    await fx.send({ sessionId: 'ses_a' });
    await fx.send({ sessionId: 'ses_b' });
    const data = await fx.storedData();
    expect(data.sessions['ses_b']?.accountId).toBe(byAlias(data, 'personal').id);
  });

  it('cycles accounts in store order with the round-robin strategy, whatever the session', async () => {
    const fx = await start({ env: { OPENCODE_MULTI_AUTH_STRATEGY: 'round-robin' } });
    for (let i = 0; i < 4; i++) await fx.send({ sessionId: 'ses_same' });
    expect(fx.responsesTried()).toEqual(['work', 'personal', 'spare', 'work']);
  });

  it('sends everything to the pinned account, even one with less headroom', async () => {
    const fx = await start({
      editStore: (data) => {
        byAlias(data, 'spare').usage.fiveHour = { usedPercent: 80, observedAt: Date.now(), resetsAt: Date.now() + HOUR, source: 'usage-endpoint' };
        setPin(data, { accountId: byAlias(data, 'spare').id });
      },
    });
    await fx.send({ sessionId: 'ses_a' });
    await fx.send({ sessionId: 'ses_b' });
    expect(fx.responsesTried()).toEqual(['spare', 'spare']);
  });

  it('never falls back to another account when the pinned one is out, and says how to unpin', async () => {
    const fx = await start({ editStore: (data) => setPin(data, { accountId: byAlias(data, 'spare').id }) });
    fx.sim.setUsage('spare', { fiveHourUsedPercent: 100 });
    const reply = await fx.send();
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(fx.responsesTried()).toEqual(['spare']);
    const message = errorMessage(reply.text);
    expect(message).toMatch(/^Pinned account spare cannot serve/);
    expect(message).toContain('opencode-multi-auth unpin');
  });

  it('tries an account whose 100% snapshot is older than the stale bound instead of leaving it paused', async () => {
    const fx = await start({
      accounts: [{ accountId: 'work' }],
      editStore: (data) => {
        byAlias(data, 'work').usage.fiveHour = { usedPercent: 100, observedAt: Date.now() - 3 * HOUR, resetsAt: Date.now() + HOUR, source: 'usage-endpoint' };
      },
    });
    const reply = await fx.send();
    expect(reply.status).toBe(200);
    expect(reply.text).toContain(greeting('work'));
    // The reply's rate-limit headers replace the stale snapshot with what the backend says now.
    const work = await fx.storedAccount('work');
    expect(work.usage.fiveHour!.usedPercent).toBeLessThan(100);
  });

  it('leaves an account with a fresh 100% snapshot alone and serves from another', async () => {
    const fx = await start({
      accounts: [{ accountId: 'work' }, { accountId: 'personal' }],
      editStore: (data) => {
        byAlias(data, 'work').usage.fiveHour = { usedPercent: 100, observedAt: Date.now(), resetsAt: Date.now() + HOUR, source: 'usage-endpoint' };
      },
    });
    expect((await fx.send()).text).toContain(greeting('personal'));
    expect(fx.responsesTried()).toEqual(['personal']);
  });
});

describe('request path: more failover cases', () => {
  it('cools an account briefly when its token refresh fails for a passing reason, without asking for a sign-in', async () => {
    const fx = await start();
    fx.sim.addFault({ route: 'responses', accountId: 'work', times: 1, status: 401, body: '{"error":{"code":"token_expired"}}' });
    fx.sim.addFault({ route: 'token', accountId: 'work', times: 1, status: 500 });
    const reply = await fx.send();
    expect(reply.text).toContain(greeting('personal'));
    expect(fx.responsesTried()).toEqual(['work', 'personal']);
    const work = await fx.storedAccount('work');
    expect(work.health.reloginRequired).toBeUndefined();
    expect(work.health.cooldownReason).toBe('token refresh failing');
    expect(work.health.cooldownUntil! - Date.now()).toBeLessThanOrEqual(60_000);
  });

  it('benches an account whose plan does not include Codex for hours and moves on', async () => {
    const fx = await start();
    fx.sim.addFault({ route: 'responses', accountId: 'work', times: 1, status: 429, body: '{"error":{"type":"usage_not_included"}}' });
    const reply = await fx.send();
    expect(reply.text).toContain(greeting('personal'));
    const work = await fx.storedAccount('work');
    expect(work.health.cooldownReason).toBe('plan does not include Codex');
    expect(work.health.cooldownUntil! - Date.now()).toBeGreaterThan(HOUR);
  });

  it('passes a request error to OpenCode as it is, without trying other accounts or marking any', async () => {
    const fx = await start();
    fx.sim.addFault({
      route: 'responses',
      accountId: 'work',
      times: 1,
      status: 400,
      body: '{"error":{"message":"Invalid value for input","type":"invalid_request_error"}}',
    });
    const reply = await fx.send();
    expect(reply.status).toBe(400);
    expect(errorMessage(reply.text)).toBe('Invalid value for input');
    expect(fx.responsesTried()).toEqual(['work']);
    const work = await fx.storedAccount('work');
    expect(work.health.cooldownUntil).toBeUndefined();
  });

  it('retries on the same account without foreign reasoning when the session moved in another way', async () => {
    const fx = await start({ accounts: [{ accountId: 'work' }] });
    const input = [
      { role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
      { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'enc:personal:abc' },
      { role: 'user', content: [{ type: 'input_text', text: 'again' }] },
    ];
    const reply = await fx.send({ body: { model: 'gpt-5.4', input, stream: true, store: false } });
    expect(reply.status).toBe(200);
    expect(fx.responsesTried()).toEqual(['work', 'work']);
    const last = fx.sim.log.filter((entry) => entry.route === 'responses').at(-1)!;
    expect((last.body as { input: unknown[] }).input).toHaveLength(2);
  });
});
