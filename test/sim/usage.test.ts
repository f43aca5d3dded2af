import { afterEach, describe, expect, it } from 'vitest';
import { UsageReplySchema } from '../../src/usage/usage-response.js';
import { classifyWindowSeconds } from '../../src/usage/windows.js';
import { startSimulator, type Simulator } from './index.js';
import { getUsage } from './client.js';

let sim: Simulator;
afterEach(async () => {
  await (sim as Simulator | undefined)?.close(); // unset when a test failed before starting one
});

function windowsByKind(reply: ReturnType<typeof UsageReplySchema.parse>) {
  const byKind: Record<string, { used_percent?: number | null; reset_at?: number | null; slot: string }> = {};
  for (const slot of ['primary_window', 'secondary_window'] as const) {
    const window = reply.rate_limit?.[slot];
    const kind = classifyWindowSeconds(window?.limit_window_seconds);
    if (window && kind) byKind[kind] = { ...window, slot };
  }
  return byKind;
}

describe('usage routes', () => {
  it.each(['codex', 'wham'] as const)('/%s/usage answers a reply the plugin schema reads, windows identified by length', async (route) => {
    const start = Date.UTC(2026, 0, 1);
    sim = await startSimulator({
      startTime: start,
      freezeClock: true,
      accounts: [{ accountId: 'a1', fiveHourUsedPercent: 37, weeklyUsedPercent: 12, families: [] }],
    });
    const tokens = sim.issueTokens('a1');
    const res = await getUsage(sim, route, tokens, 'a1');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const raw = (await res.json()) as Record<string, unknown>;
    const reply = UsageReplySchema.parse(raw);
    expect(reply.plan_type).toBe('plus');
    expect(reply.rate_limit?.allowed).toBe(true);
    expect(reply.rate_limit?.limit_reached).toBe(false);
    const windows = windowsByKind(reply);
    expect(windows.fiveHour).toMatchObject({ slot: 'primary_window', used_percent: 37, reset_at: start / 1000 + 5 * 3600 });
    expect(windows.weekly).toMatchObject({ slot: 'secondary_window', used_percent: 12, reset_at: start / 1000 + 7 * 86400 });
    expect(reply.rate_limit?.primary_window?.reset_after_seconds).toBe(5 * 3600);
    expect(raw.credits).toEqual({ has_credits: false, unlimited: false, balance: '0' });
    expect(raw.additional_rate_limits).toEqual([]);
    expect(raw.rate_limit_reached_type).toBeNull();
  });

  it('reports the weekly window as primary when the account says so', async () => {
    sim = await startSimulator({
      accounts: [{ accountId: 'w', primaryWindow: 'weekly', fiveHourUsedPercent: 5, weeklyUsedPercent: 60 }],
    });
    const reply = UsageReplySchema.parse(await (await getUsage(sim, 'codex', sim.issueTokens('w'), 'w')).json());
    expect(reply.rate_limit?.primary_window?.limit_window_seconds).toBe(604_800);
    expect(reply.rate_limit?.primary_window?.used_percent).toBe(60);
    expect(reply.rate_limit?.secondary_window?.limit_window_seconds).toBe(18_000);
    expect(windowsByKind(reply).fiveHour?.used_percent).toBe(5);
  });

  it('reports limit_reached once a window is used up, and setUsage is read back', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    sim.setUsage('a', { weeklyUsedPercent: 150 });
    expect(sim.usage('a').weeklyUsedPercent).toBe(100);
    const reply = UsageReplySchema.parse(await (await getUsage(sim, 'wham', sim.issueTokens('a'), 'a')).json());
    expect(reply.rate_limit?.limit_reached).toBe(true);
    expect(reply.rate_limit?.allowed).toBe(false);
  });

  it('each route can be switched to fail on its own', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    const tokens = sim.issueTokens('a');
    sim.setUsageRoute('codex', '403-challenge');
    sim.setUsageRoute('wham', '403-json');
    const challenged = await getUsage(sim, 'codex', tokens, 'a');
    expect(challenged.status).toBe(403);
    expect(challenged.headers.get('cf-mitigated')).toBe('challenge');
    expect(challenged.headers.get('content-type')).toContain('text/html');
    expect(await challenged.text()).toContain('<title>Just a moment...</title>');
    const forbidden = await getUsage(sim, 'wham', tokens, 'a');
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toContain('application/json');
    expect(await forbidden.json()).toEqual({ detail: 'Forbidden' });

    sim.setUsageRoute('codex', '404');
    sim.setUsageRoute('wham', '500');
    expect((await getUsage(sim, 'codex', tokens, 'a')).status).toBe(404);
    expect((await getUsage(sim, 'wham', tokens, 'a')).status).toBe(500);
    sim.setUsageRoute('wham', 'ok');
    expect((await getUsage(sim, 'wham', tokens, 'a')).status).toBe(200);
  });

  it('rejects missing, expired and mismatched credentials, and deactivated workspaces', async () => {
    sim = await startSimulator({
      accessTokenLifetimeSeconds: 60,
      accounts: [{ accountId: 'a' }, { accountId: 'b' }, { accountId: 'gone', deactivated: true }],
    });
    const a = sim.issueTokens('a');
    const unknown = await getUsage(sim, 'codex', { access_token: 'not-a-token' }, 'a');
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ error: { code: 'invalid_token' } });

    const mismatched = await getUsage(sim, 'codex', a, 'b');
    expect(mismatched.status).toBe(403);

    const deactivated = await getUsage(sim, 'codex', sim.issueTokens('gone'), 'gone');
    expect(deactivated.status).toBe(402);
    expect(await deactivated.json()).toEqual({ detail: { code: 'deactivated_workspace' } });

    sim.clock.advance(61_000);
    const expired = await getUsage(sim, 'codex', a, 'a');
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ error: { code: 'token_expired', type: 'invalid_request_error' } });
  });
});
