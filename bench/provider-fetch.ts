/**
 * Targets 1 and 3: what the plugin's fetch adds to a model request.
 *
 * 1. 2,000 small streamed requests through the provider fetch against the same requests made
 *    directly to the simulator, interleaved in batches (order alternating) so drift on a shared
 *    machine hits both alike. Target: median ratio <= 1.05 and <= 0.5 ms added at the median.
 *    (The most-used peer plugin measured 8.7x, about +5.7 ms a request.)
 * 2. A 50 MB streamed reply: time to first byte within 1 ms of a direct fetch, and resident memory
 *    growth <= 20 MB while it is read chunk by chunk and discarded.
 */
import { performance } from 'node:perf_hooks';
import { collectGarbage, median, quantile, round, type BenchResult } from './stats.js';
import { drain, type FetchSubject, type ModelCall } from './subject.js';

const SESSIONS = 8;
const BIG_BYTES = 50 * 1024 * 1024;
const MB = 1024 * 1024;

async function timedCall(fetchImpl: typeof fetch, call: ModelCall): Promise<number> {
  const started = performance.now();
  const response = await fetchImpl(call.url, call.init);
  await drain(response);
  const elapsed = performance.now() - started;
  if (response.status !== 200) throw new Error(`benchmark request answered ${response.status}`);
  return elapsed;
}

export interface OverheadOptions {
  requests?: number;
  warmup?: number;
  batch?: number;
}

export async function benchFetchOverhead(subject: FetchSubject, options: OverheadOptions = {}): Promise<BenchResult[]> {
  const { requests = 2000, warmup = 200, batch = 20 } = options;
  const session = (i: number) => `ses_bench_${i % SESSIONS}`;
  const direct = (i: number) => timedCall(fetch, subject.directCall(session(i), `hello ${i}`, i));
  const plugin = (i: number) => timedCall(subject.pluginFetch, subject.pluginCall(session(i), `hello ${i}`));

  for (let i = 0; i < warmup; i++) {
    await direct(i);
    await plugin(i);
  }

  const directMs: number[] = [];
  const pluginMs: number[] = [];
  /** Per batch pair: median plugin / median direct, a drift-free view of the ratio. */
  const batchRatios: number[] = [];
  for (let done = 0, round_ = 0; done < requests; done += batch, round_++) {
    const size = Math.min(batch, requests - done);
    const d: number[] = [];
    const p: number[] = [];
    const runDirect = async () => {
      for (let i = 0; i < size; i++) d.push(await direct(done + i));
    };
    const runPlugin = async () => {
      for (let i = 0; i < size; i++) p.push(await plugin(done + i));
    };
    if (round_ % 2 === 0) {
      await runDirect();
      await runPlugin();
    } else {
      await runPlugin();
      await runDirect();
    }
    directMs.push(...d);
    pluginMs.push(...p);
    batchRatios.push(median(p) / median(d));
  }

  const directMedian = median(directMs);
  const pluginMedian = median(pluginMs);
  const ratio = pluginMedian / directMedian;
  const added = pluginMedian - directMedian;
  const label = `fetch x${requests}`;
  return [
    { name: `${label}: direct median`, value: round(directMedian, 3), unit: 'ms' },
    { name: `${label}: direct p90`, value: round(quantile(directMs, 0.9), 3), unit: 'ms' },
    { name: `${label}: plugin median`, value: round(pluginMedian, 3), unit: 'ms' },
    { name: `${label}: plugin p90`, value: round(quantile(pluginMs, 0.9), 3), unit: 'ms' },
    { name: `${label}: median ratio plugin/direct (peer plugin: 8.7x)`, value: round(ratio, 3), unit: 'x', target: '<= 1.05', ok: ratio <= 1.05 },
    { name: `${label}: median of per-batch ratios`, value: round(median(batchRatios), 3), unit: 'x', target: '<= 1.05', ok: median(batchRatios) <= 1.05 },
    { name: `${label}: added median latency`, value: round(added, 3), unit: 'ms', target: '<= 0.5', ok: added <= 0.5 },
  ];
}

/** Time to the first body chunk and to the end of the reply. */
async function timedStream(fetchImpl: typeof fetch, call: ModelCall): Promise<{ firstByteMs: number; totalMs: number; bytes: number }> {
  const started = performance.now();
  const response = await fetchImpl(call.url, call.init);
  let firstByteMs = Number.NaN;
  const bytes = await drain(response, () => {
    if (Number.isNaN(firstByteMs)) firstByteMs = performance.now() - started;
  });
  if (response.status !== 200) throw new Error(`benchmark request answered ${response.status}`);
  return { firstByteMs, totalMs: performance.now() - started, bytes };
}

/** Peak and settled RSS growth over one streamed reply read chunk by chunk and discarded, bytes. */
async function rssGrowth(fetchImpl: typeof fetch, call: ModelCall): Promise<{ peak: number; after: number; bytes: number }> {
  collectGarbage();
  const before = process.memoryUsage.rss();
  let peak = before;
  let chunks = 0;
  const response = await fetchImpl(call.url, call.init);
  const bytes = await drain(response, () => {
    if (++chunks % 16 === 0) peak = Math.max(peak, process.memoryUsage.rss());
  });
  peak = Math.max(peak, process.memoryUsage.rss());
  collectGarbage();
  return { peak: peak - before, after: process.memoryUsage.rss() - before, bytes };
}

export async function benchLargeStream(subject: FetchSubject, options: { rounds?: number } = {}): Promise<BenchResult[]> {
  const { rounds = 5 } = options;
  const text = (bytes: number) => `stream me SIM_BYTES=${bytes}`;
  const direct = (bytes: number) => subject.directCall('ses_bench_big', text(bytes), 0);
  const plugin = (bytes: number) => subject.pluginCall('ses_bench_big', text(bytes));

  // Warm both paths with a small bulk reply so the memory figures are not first-use allocations.
  for (let i = 0; i < 3; i++) {
    await timedStream(fetch, direct(MB));
    await timedStream(subject.pluginFetch, plugin(MB));
  }

  // Memory first, before the timing rounds grow the heap, and the plugin first: the conservative order.
  const pluginMemory = await rssGrowth(subject.pluginFetch, plugin(BIG_BYTES));
  const directMemory = await rssGrowth(fetch, direct(BIG_BYTES));

  const directRuns: Awaited<ReturnType<typeof timedStream>>[] = [];
  const pluginRuns: Awaited<ReturnType<typeof timedStream>>[] = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      directRuns.push(await timedStream(fetch, direct(BIG_BYTES)));
      pluginRuns.push(await timedStream(subject.pluginFetch, plugin(BIG_BYTES)));
    } else {
      pluginRuns.push(await timedStream(subject.pluginFetch, plugin(BIG_BYTES)));
      directRuns.push(await timedStream(fetch, direct(BIG_BYTES)));
    }
  }
  const ttfbDirect = median(directRuns.map((run) => run.firstByteMs));
  const ttfbPlugin = median(pluginRuns.map((run) => run.firstByteMs));
  const totalDirect = median(directRuns.map((run) => run.totalMs));
  const totalPlugin = median(pluginRuns.map((run) => run.totalMs));
  const label = `50 MB stream x${rounds}`;
  const growthMb = pluginMemory.peak / MB;
  return [
    { name: `${label}: bytes read (plugin)`, value: round(median(pluginRuns.map((run) => run.bytes)) / MB, 1), unit: 'MB' },
    { name: `${label}: first byte, direct median`, value: round(ttfbDirect, 3), unit: 'ms' },
    { name: `${label}: first byte, plugin median`, value: round(ttfbPlugin, 3), unit: 'ms' },
    {
      name: `${label}: first byte, plugin - direct`,
      value: round(ttfbPlugin - ttfbDirect, 3),
      unit: 'ms',
      target: '<= 1',
      ok: ttfbPlugin - ttfbDirect <= 1,
    },
    { name: `${label}: whole reply, direct median`, value: round(totalDirect, 1), unit: 'ms' },
    { name: `${label}: whole reply, plugin median`, value: round(totalPlugin, 1), unit: 'ms' },
    { name: `${label}: whole reply ratio plugin/direct`, value: round(totalPlugin / totalDirect, 3), unit: 'x' },
    { name: '50 MB stream: RSS growth, plugin (peak)', value: round(growthMb, 1), unit: 'MB', target: '<= 20', ok: growthMb <= 20 },
    { name: '50 MB stream: RSS growth, plugin (after, gc)', value: round(pluginMemory.after / MB, 1), unit: 'MB' },
    { name: '50 MB stream: RSS growth, direct (peak, baseline)', value: round(directMemory.peak / MB, 1), unit: 'MB' },
  ];
}
