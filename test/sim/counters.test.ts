import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './index.js';
import { getUsage, postResponses, refresh, responsesBody, waitFor } from './client.js';

let sim: Simulator;
afterEach(async () => {
  await (sim as Simulator | undefined)?.close(); // unset when a test failed before starting one
});

describe('counters and log', () => {
  it('counts requests per route and per account, refreshes and reuse events', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }, { accountId: 'b' }] });
    const a = sim.issueTokens('a');
    const b = sim.issueTokens('b');
    await (await postResponses(sim, a, 'a')).text();
    await (await postResponses(sim, a, 'a')).text();
    await (await postResponses(sim, b, 'b')).text();
    await (await getUsage(sim, 'codex', b, 'b')).text();
    await (await refresh(sim, a.refresh_token)).text();
    await (await refresh(sim, a.refresh_token)).text();

    expect(sim.counters.requests('responses')).toBe(3);
    expect(sim.counters.requests('responses', 'a')).toBe(2);
    expect(sim.counters.requests('responses', 'b')).toBe(1);
    expect(sim.counters.requests('codex-usage', 'b')).toBe(1);
    expect(sim.counters.requests('wham-usage')).toBe(0);
    expect(sim.counters.requests('token', 'a')).toBe(2);
    expect(sim.counters.refreshes('a')).toBe(1);
    expect(sim.counters.reuseEvents('a')).toBe(1);
    expect(sim.counters.refreshes('b')).toBe(0);

    sim.counters.reset();
    expect(sim.counters.requests('responses')).toBe(0);
    expect(sim.counters.refreshes('a')).toBe(0);
    expect(sim.log).toHaveLength(0);
  });

  it('logs each request with lowercased headers, parsed body, account and status', async () => {
    const start = Date.UTC(2026, 2, 3);
    sim = await startSimulator({ startTime: start, freezeClock: true, accounts: [{ accountId: 'a' }] });
    const tokens = sim.issueTokens('a');
    await (await postResponses(sim, tokens, 'a', responsesBody({ prompt_cache_key: 'sess-1' }))).text();
    await (await postResponses(sim, tokens, 'a', responsesBody({ max_output_tokens: 5 }))).text();
    await (await refresh(sim, tokens.refresh_token)).text();

    expect(sim.log.map((entry) => [entry.route, entry.status, entry.accountId])).toEqual([
      ['responses', 200, 'a'],
      ['responses', 400, 'a'],
      ['token', 200, 'a'],
    ]);
    const first = sim.log[0]!;
    expect(first).toMatchObject({ method: 'POST', path: '/backend-api/codex/responses', at: start });
    expect(first.headers['chatgpt-account-id']).toBe('a');
    expect(first.headers.originator).toBe('codex_cli_rs');
    expect(first.body).toMatchObject({ model: 'gpt-5.4', prompt_cache_key: 'sess-1', stream: true });
    // Form bodies are logged as their fields.
    expect(sim.log[2]!.body).toMatchObject({ grant_type: 'refresh_token', client_id: 'app_EMoamEEZ73f0CkXaXp7hrann' });
  });

  it('keeps only the last 1000 log entries', async () => {
    sim = await startSimulator();
    for (let batch = 0; batch < 21; batch++) {
      await Promise.all(Array.from({ length: 50 }, (_, i) => fetch(`${sim.url}/nope/${batch * 50 + i}`).then((r) => r.text())));
    }
    expect(sim.log).toHaveLength(1000);
    expect(sim.log.every((entry) => entry.route === 'unknown' && entry.status === 404)).toBe(true);
    expect(sim.counters.requests('unknown')).toBe(1050);
  });

  it('measures concurrency per route', async () => {
    sim = await startSimulator({ usageLatencyMs: 1_500, accounts: [{ accountId: 'a' }] });
    const tokens = sim.issueTokens('a');
    const calls = Array.from({ length: 4 }, () => getUsage(sim, 'wham', tokens, 'a'));
    await waitFor(() => sim.counters.inFlight('wham-usage') === 4);
    const replies = await Promise.all(calls);
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(sim.counters.maxInFlight('wham-usage')).toBe(4);
    expect(sim.counters.inFlight('wham-usage')).toBe(0);
    expect(sim.counters.maxInFlight('codex-usage')).toBe(0);
  });

  it('challenges usage calls beyond the burst limit while the first ones are still in flight', async () => {
    sim = await startSimulator({ usageBurstLimit: 2, usageLatencyMs: 2_000, accounts: [{ accountId: 'a' }] });
    const tokens = sim.issueTokens('a');
    const held = [getUsage(sim, 'codex', tokens, 'a'), getUsage(sim, 'wham', tokens, 'a')];
    await waitFor(() => sim.counters.inFlight('codex-usage') + sim.counters.inFlight('wham-usage') === 2);
    // The limit spans both usage routes: they are one endpoint family behind one edge.
    const extra = await Promise.all([getUsage(sim, 'codex', tokens, 'a'), getUsage(sim, 'wham', tokens, 'a'), getUsage(sim, 'codex', tokens, 'a')]);
    for (const res of extra) {
      expect(res.status).toBe(403);
      expect(res.headers.get('cf-mitigated')).toBe('challenge');
    }
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    // Once the burst has passed, calls are served again.
    expect((await getUsage(sim, 'codex', tokens, 'a')).status).toBe(200);
  });
});
