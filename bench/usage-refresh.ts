/**
 * Usage refresh throughput: N accounts against the simulator with 100 ms of latency on the usage
 * route, at concurrency 1, 5 and 20. Efficiency = ideal wall time ceil(N/c) × latency divided by the
 * measured wall time (store writes included); target ≥ 90%.
 *
 * c=1 uses N=50 (5 s ideal) instead of 200 (20 s) to keep the benchmark run short; the efficiency
 * measured is the same quantity.
 *
 * On a slow shared machine the simulator's own round trip is well above 100 ms, so a second figure
 * compares against a baseline: the same N bare fetches of /codex/usage with c workers and no queue,
 * tokens or store. That ratio is the overhead of the refresher itself.
 *
 * Run alone: npx tsx bench/usage-refresh.ts
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { codexRequestHeaders } from '../src/http/codex-request-headers.js';
import { simAccounts, usageFixture, type UsageFixture } from '../test/usage/fixture.js';
import type { BenchResult } from './stats.js';

export type { BenchResult };

const LATENCY_MS = 100;
const TARGET_EFFICIENCY = 0.9;
const RUNS: { concurrency: number; accounts: number }[] = [
  { concurrency: 1, accounts: 50 },
  { concurrency: 5, accounts: 200 },
  { concurrency: 20, accounts: 200 },
];

/** The same requests as bare fetches through c workers: what the HTTP stack and simulator alone cost. */
async function baselineMs(fixture: UsageFixture, concurrency: number): Promise<number> {
  const accounts = [...(await fixture.store.current()).accounts];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let account = accounts.shift(); account; account = accounts.shift()) {
        const response = await fetch(`${fixture.sim.baseUrl}/codex/usage`, {
          headers: codexRequestHeaders(account.tokens.accessToken, account.chatgptAccountId),
        });
        await response.text();
      }
    }),
  );
  return performance.now() - started;
}

async function measure(concurrency: number, accounts: number): Promise<BenchResult[]> {
  const fixture = await usageFixture({ accounts: simAccounts(accounts), usageLatencyMs: LATENCY_MS });
  try {
    const baseline = await baselineMs(fixture, concurrency);
    const queue = fixture.queue({ config: { codexBaseUrl: fixture.sim.baseUrl, refreshQueueConcurrency: concurrency } });
    const started = performance.now();
    const results = await queue.refreshAll();
    const wallMs = performance.now() - started;
    const failed = results.filter((result) => result.state !== 'done').length;
    const idealMs = Math.ceil(accounts / concurrency) * LATENCY_MS;
    const efficiency = idealMs / wallMs;
    const maxInFlight = fixture.sim.counters.maxInFlight('codex-usage');
    const label = `usage refresh ${accounts} accounts @ c=${concurrency}`;
    return [
      { name: `${label}: wall time (ideal ${idealMs} ms)`, value: Math.round(wallMs), unit: 'ms' },
      {
        name: `${label}: efficiency vs ceil(N/c) × ${LATENCY_MS} ms`,
        value: Math.round(efficiency * 1000) / 10,
        unit: '%',
        target: `>= ${TARGET_EFFICIENCY * 100}%`,
        ok: efficiency >= TARGET_EFFICIENCY && failed === 0,
      },
      { name: `${label}: bare-fetch baseline wall time`, value: Math.round(baseline), unit: 'ms' },
      {
        name: `${label}: efficiency vs the bare-fetch baseline`,
        value: Math.round((baseline / wallMs) * 1000) / 10,
        unit: '%',
        target: `>= ${TARGET_EFFICIENCY * 100}%`,
        ok: baseline / wallMs >= TARGET_EFFICIENCY,
      },
      { name: `${label}: max usage calls in flight`, value: maxInFlight, unit: 'calls', target: `<= ${concurrency}`, ok: maxInFlight <= concurrency },
      { name: `${label}: failed refreshes`, value: failed, unit: 'accounts', target: '0', ok: failed === 0 },
    ];
  } finally {
    await fixture.close();
  }
}

export async function benchUsageRefresh(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const run of RUNS) results.push(...(await measure(run.concurrency, run.accounts)));
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await benchUsageRefresh();
  for (const result of results) {
    const verdict = result.ok === undefined ? '' : result.ok ? '  ok' : '  MISSED';
    console.log(`${result.name}: ${result.value} ${result.unit}${result.target ? ` (target ${result.target})` : ''}${verdict}`);
  }
  if (results.some((result) => result.ok === false)) process.exitCode = 1;
}
