/**
 * Request cost against body size. OpenCode sends the whole conversation on every turn, so bodies
 * of megabytes are normal in a long session. For each size, plugin and direct requests of the same
 * body alternate (order flipping every round) and the medians are compared.
 * Targets (issue 15): at 2 MB and 8 MB, plugin <= 1.20x direct; at 2 MB, <= +5 ms.
 * Memory: the heap and array-buffer growth while one 8 MB request is sent, plugin and direct.
 */
import { performance } from 'node:perf_hooks';
import { collectGarbage, median, round, type BenchResult } from './stats.js';
import { drain, type FetchSubject, type ModelCall } from './subject.js';

const KB = 1024;
const MB = 1024 * KB;

/** A conversation of about `bytes` of JSON, shaped like OpenCode's history: turns, tool calls and their output. */
export function conversation(bytes: number): unknown[] {
  const items: unknown[] = [];
  const line = 'export function example(value: string): string { return `"${value}"\\n`; } // ünïcödé\n';
  let size = 0;
  for (let turn = 0; size < bytes; turn++) {
    const output = line.repeat(40);
    items.push(
      { role: 'user', content: [{ type: 'input_text', text: `Turn ${turn}: read the file and fix the "quote" bug.` }] },
      { type: 'function_call', call_id: `call_${turn}`, name: 'read', arguments: JSON.stringify({ filePath: `/work/src/file-${turn}.ts` }) },
      { type: 'function_call_output', call_id: `call_${turn}`, output },
      { role: 'assistant', content: [{ type: 'output_text', text: `Fixed in file-${turn}.ts.` }] },
    );
    size += output.length + 400;
  }
  return items;
}

async function timed(fetchImpl: typeof fetch, call: ModelCall): Promise<number> {
  const started = performance.now();
  const response = await fetchImpl(call.url, call.init);
  await drain(response);
  if (response.status !== 200) throw new Error(`benchmark request answered ${response.status}`);
  return performance.now() - started;
}

/** Heap plus array-buffer growth (bytes) at its highest while one request is sent and answered. */
async function memoryOfOneRequest(fetchImpl: typeof fetch, call: ModelCall): Promise<number> {
  collectGarbage();
  const used = () => {
    const memory = process.memoryUsage();
    return memory.heapUsed + memory.arrayBuffers;
  };
  const before = used();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, used())), 1);
  try {
    const response = await fetchImpl(call.url, call.init);
    peak = Math.max(peak, used());
    await drain(response);
  } finally {
    clearInterval(sampler);
  }
  return Math.max(peak, used()) - before;
}

interface SizeCase {
  label: string;
  bytes: number;
  rounds: number;
  maxRatio?: number;
  maxAddedMs?: number;
}

const CASES: SizeCase[] = [
  { label: 'small', bytes: 0, rounds: 300 },
  { label: '256 KB', bytes: 256 * KB, rounds: 120 },
  { label: '2 MB', bytes: 2 * MB, rounds: 40, maxRatio: 1.2, maxAddedMs: 5 },
  { label: '8 MB', bytes: 8 * MB, rounds: 16, maxRatio: 1.2 },
];

export async function benchBodySize(subject: FetchSubject, options: { quick?: boolean } = {}): Promise<BenchResult[]> {
  const rows: BenchResult[] = [];
  for (const size of CASES) {
    const history = conversation(size.bytes);
    const rounds = options.quick ? Math.max(4, Math.ceil(size.rounds / 8)) : size.rounds;
    const session = `ses_bench_body_${size.label.replace(/\W/g, '')}`;
    const plugin = () => timed(subject.pluginFetch, subject.pluginCall(session, 'hello', history));
    const direct = () => timed(fetch, subject.directCall(session, 'hello', 0, history));
    for (let i = 0; i < 3; i++) {
      await direct();
      await plugin();
    }
    const directMs: number[] = [];
    const pluginMs: number[] = [];
    for (let i = 0; i < rounds; i++) {
      if (i % 2 === 0) {
        directMs.push(await direct());
        pluginMs.push(await plugin());
      } else {
        pluginMs.push(await plugin());
        directMs.push(await direct());
      }
    }
    const bodyMb = Buffer.byteLength(subject.pluginCall(session, 'hello', history).init.body as string) / MB;
    const ratio = median(pluginMs) / median(directMs);
    const added = median(pluginMs) - median(directMs);
    const label = `body ${size.label} (${round(bodyMb, 2)} MB) x${rounds}`;
    rows.push(
      { name: `${label}: direct median`, value: round(median(directMs), 2), unit: 'ms' },
      { name: `${label}: plugin median`, value: round(median(pluginMs), 2), unit: 'ms' },
      {
        name: `${label}: ratio plugin/direct`,
        value: round(ratio, 3),
        unit: 'x',
        ...(size.maxRatio === undefined ? {} : { target: `<= ${size.maxRatio}`, ok: ratio <= size.maxRatio }),
      },
      {
        name: `${label}: added median`,
        value: round(added, 2),
        unit: 'ms',
        ...(size.maxAddedMs === undefined ? {} : { target: `<= ${size.maxAddedMs}`, ok: added <= size.maxAddedMs }),
      },
    );
    if (size.bytes === 8 * MB) {
      const pluginMemory = await memoryOfOneRequest(subject.pluginFetch, subject.pluginCall(session, 'hello', history));
      const directMemory = await memoryOfOneRequest(fetch, subject.directCall(session, 'hello', 0, history));
      rows.push(
        { name: `body 8 MB: memory per request, plugin (heap + buffers, peak)`, value: round(pluginMemory / MB, 1), unit: 'MB' },
        { name: `body 8 MB: memory per request, direct (baseline)`, value: round(directMemory / MB, 1), unit: 'MB' },
      );
    }
  }
  return rows;
}
