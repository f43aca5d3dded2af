import { afterEach, describe, expect, it } from 'vitest';
import { WORKSPACE_REGION_COOLDOWN_MS } from '../../src/codex/failover-policy.js';
import { greeting, WORKSPACE_REGION_MESSAGE, type SimAccountSpec } from '../sim/index.js';
import { openCodeRequestBody, requestPathFixture, type RequestPathFixture, type RequestPathFixtureOptions } from '../support/request-path-fixture.js';

/*
 * The plugin's fetch against a simulator enforcing PROTOCOL.md §8. Each test passes because the
 * plugin follows the rule the simulator enforces.
 */

let fixture: RequestPathFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

async function start(accounts: SimAccountSpec[], options: Partial<RequestPathFixtureOptions> = {}): Promise<RequestPathFixture> {
  fixture = await requestPathFixture({ accounts, ...options });
  return fixture;
}

describe('request path: residency and FedRAMP', () => {
  it('serves a residency-locked, a FedRAMP and a plain account, each with its own routing headers', async () => {
    const fx = await start([
      { accountId: 'us-team', computeResidency: 'us' },
      { accountId: 'fed', fedramp: true },
      { accountId: 'eu-data', computeResidency: 'no_constraint', dataResidency: 'eu' },
      { accountId: 'plain' },
    ]);
    for (const [index, accountId] of ['us-team', 'fed', 'eu-data', 'plain'].entries()) {
      const reply = await fx.send({ sessionId: `ses_${index}` });
      expect(reply.status).toBe(200);
      expect(reply.text).toContain(greeting(accountId));
    }
    const sent = Object.fromEntries(fx.sim.log.filter((entry) => entry.route === 'responses').map((entry) => [entry.accountId ?? '', entry.headers] as const));
    expect(sent['us-team']!['x-openai-internal-codex-residency']).toBe('us');
    expect(sent['us-team']!['x-openai-fedramp']).toBeUndefined();
    expect(sent.fed!['x-openai-fedramp']).toBe('true');
    expect(sent.fed!['x-openai-internal-codex-residency']).toBeUndefined();
    expect(sent['eu-data']!['x-openai-internal-codex-residency']).toBe('eu');
    expect(sent.plain!['x-openai-internal-codex-residency']).toBeUndefined();
    expect(sent.plain!['x-openai-fedramp']).toBeUndefined();
    for (const accountId of ['us-team', 'fed', 'eu-data']) expect((await fx.storedAccount(accountId)).health.lastError).toBeUndefined();
  }, 30_000);

  it('moves on from "Workspace is not authorized in this region." without a refresh and without asking for a sign-in, in the backend\'s words', async () => {
    const fx = await start([{ accountId: 'work', computeResidency: 'us' }, { accountId: 'personal' }]);
    fx.sim.addFault({
      route: 'responses',
      accountId: 'work',
      times: 1,
      status: 401,
      body: JSON.stringify({ error: { message: WORKSPACE_REGION_MESSAGE }, status: 401 }),
    });
    const before = fx.sim.clock.now();
    const reply = await fx.send();
    expect(reply.text).toContain(greeting('personal'));
    expect(fx.responsesTried()).toEqual(['work', 'personal']);
    expect(fx.sim.counters.refreshes('work')).toBe(0);
    const work = await fx.storedAccount('work');
    expect(work.health.reloginRequired).toBeUndefined();
    expect(work.health.lastError?.message).toBe(`the backend said: ${WORKSPACE_REGION_MESSAGE}`);
    expect(work.health.cooldownUntil).toBeGreaterThanOrEqual(before + WORKSPACE_REGION_COOLDOWN_MS);
  });
});

describe('request path: usage flags and window shapes', () => {
  it('fails over from an account the backend blocks below 100 % (429 usage_limit_reached)', async () => {
    const fx = await start([{ accountId: 'capped', fiveHourUsedPercent: 10, limitReachedType: 'workspace_owner_credits_depleted' }, { accountId: 'ok' }]);
    const reply = await fx.send();
    expect(reply.text).toContain(greeting('ok'));
    expect((await fx.storedAccount('capped')).health.cooldownReason).toBe('usage limit reached');
  });

  it("keeps the free plan's 30-day window from the reply headers, as a 30-day window", async () => {
    const fx = await start([{ accountId: 'free', usageShape: 'free-monthly', monthlyUsedPercent: 40 }]);
    expect((await fx.send()).status).toBe(200);
    const usage = (await fx.storedAccount('free')).usage;
    expect(usage.monthly).toMatchObject({ windowMinutes: 43_200, source: 'response-headers' });
    expect(usage.monthly!.usedPercent).toBeGreaterThan(40);
    expect(usage.weekly).toBeUndefined();
  });

  it('reads a zero-length secondary in the reply headers as no window, not as a fresh 5-hour window', async () => {
    const fx = await start([{ accountId: 'w', usageShape: 'weekly-only-zero-secondary', weeklyUsedPercent: 50 }]);
    expect((await fx.send()).status).toBe(200);
    const usage = (await fx.storedAccount('w')).usage;
    expect(usage.fiveHour).toBeUndefined();
    expect(usage.weekly).toMatchObject({ windowMinutes: 10_080 });
  });
});

describe('request path: error shapes', () => {
  it('reads {"detail": "The \'<model>\' model is not supported…"} as that model missing on that account, and moves on', async () => {
    const fx = await start([{ accountId: 'work', unsupportedModels: ['gpt-5.5'] }, { accountId: 'personal' }]);
    const reply = await fx.send({ body: openCodeRequestBody({ model: 'gpt-5.5' }) });
    expect(reply.text).toContain(greeting('personal'));
    const work = await fx.storedAccount('work');
    expect(Object.keys(work.health.unsupportedModels ?? {})).toEqual(['gpt-5.5']);
    expect(work.health.cooldownUntil).toBeUndefined();
  });

  it('never sends the sampling parameters the backend refuses with {"detail":"Unsupported parameter: …"}', async () => {
    const fx = await start([{ accountId: 'work' }]);
    const reply = await fx.send({ body: openCodeRequestBody({ temperature: 0.5, top_p: 0.9 }) });
    expect(reply.status).toBe(200);
    const sent = fx.sim.log.find((entry) => entry.route === 'responses')!.body as Record<string, unknown>;
    expect(sent).not.toHaveProperty('temperature');
    expect(sent).not.toHaveProperty('top_p');
  });

  it("cools an account until a 429's resets_in_seconds when the body has no resets_at", async () => {
    const fx = await start([{ accountId: 'work', fiveHourUsedPercent: 100, quotaResetField: 'resets_in_seconds' }, { accountId: 'personal' }]);
    const before = fx.sim.clock.now();
    const reply = await fx.send();
    expect(reply.text).toContain(greeting('personal'));
    const work = await fx.storedAccount('work');
    const resetsAt = fx.sim.usage('work').fiveHourResetsAt;
    expect(work.health.cooldownUntil).toBeGreaterThanOrEqual(resetsAt - 2_000);
    expect(work.health.cooldownUntil).toBeLessThanOrEqual(resetsAt + (fx.sim.clock.now() - before) + 2_000);
  });
});
