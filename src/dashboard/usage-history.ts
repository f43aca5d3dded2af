import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { SNAPSHOT_SOURCES, WINDOW_KINDS, type StoreData } from '../store/schema.js';

/*
 * The store keeps only each account's latest usage snapshot, so the dashboard keeps its own short
 * history for the timeline: every snapshot it sees in the store (written by any process) is appended
 * once to `usage-history.jsonl` beside `accounts.json`, and points older than a day are dropped.
 */

export const USAGE_HISTORY_FILE = 'usage-history.jsonl';

/** How far back the timeline reaches. */
export const HISTORY_SPAN_MS = 24 * 3_600_000;

export const HistoryPointSchema = z.object({
  accountId: z.string(),
  window: z.enum(WINDOW_KINDS),
  usedPercent: z.number(),
  /** Epoch ms the snapshot was observed. */
  at: z.number(),
  source: z.enum(SNAPSHOT_SOURCES),
});
export type HistoryPoint = z.infer<typeof HistoryPointSchema>;

const keyOf = (point: Pick<HistoryPoint, 'accountId' | 'window' | 'at'>) => `${point.accountId}\u0000${point.window}\u0000${point.at}`;

/** The snapshots in `data` not yet in `known` (by account, window and observation time). Snapshots without a time are skipped. */
export function newHistoryPoints(data: StoreData, known: ReadonlySet<string>): HistoryPoint[] {
  const points: HistoryPoint[] = [];
  for (const account of data.accounts) {
    for (const window of WINDOW_KINDS) {
      const snapshot = account.usage[window];
      if (!snapshot || snapshot.observedAt === undefined) continue;
      const point: HistoryPoint = { accountId: account.id, window, usedPercent: snapshot.usedPercent, at: snapshot.observedAt, source: snapshot.source };
      if (!known.has(keyOf(point))) points.push(point);
    }
  }
  return points;
}

/** The points within the span before `now`, oldest first, without duplicates. */
export function pruneHistory(points: readonly HistoryPoint[], now: number, spanMs = HISTORY_SPAN_MS): HistoryPoint[] {
  const seen = new Set<string>();
  const kept: HistoryPoint[] = [];
  for (const point of [...points].sort((a, b) => a.at - b.at)) {
    if (point.at < now - spanMs || seen.has(keyOf(point))) continue;
    seen.add(keyOf(point));
    kept.push(point);
  }
  return kept;
}

/** Parses the file's lines; a torn or foreign line is skipped, never fatal. */
export function parseHistoryLines(text: string): HistoryPoint[] {
  const points: HistoryPoint[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed = HistoryPointSchema.safeParse(JSON.parse(line));
      if (parsed.success) points.push(parsed.data);
    } catch {
      // A line cut short by a crash: the rest of the history is still good.
    }
  }
  return points;
}

export interface UsageHistoryOptions {
  /** The store directory (config.storeDir). */
  dir: string;
  /** How far back to keep. Default {@link HISTORY_SPAN_MS}. */
  spanMs?: number;
}

/** The history file: loaded once, appended to as snapshots appear, rewritten when mostly stale. */
export class UsageHistory {
  readonly filePath: string;
  readonly #spanMs: number;
  #points: HistoryPoint[] = [];
  #known = new Set<string>();
  #linesInFile = 0;
  #writing: Promise<void> = Promise.resolve();

  constructor(options: UsageHistoryOptions) {
    this.filePath = path.join(options.dir, USAGE_HISTORY_FILE);
    this.#spanMs = options.spanMs ?? HISTORY_SPAN_MS;
  }

  async load(now: number): Promise<void> {
    const text = await fs.promises.readFile(this.filePath, 'utf8').catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw error;
    });
    const all = parseHistoryLines(text);
    this.#linesInFile = all.length;
    this.#adopt(pruneHistory(all, now, this.#spanMs));
  }

  /** The points of the last span, oldest first. */
  points(now: number): HistoryPoint[] {
    return this.#points.filter((point) => point.at >= now - this.#spanMs);
  }

  /** Records the store's snapshots that are new; resolves once they are on disk. Returns how many were new. */
  record(data: StoreData, now: number): Promise<number> {
    const fresh = newHistoryPoints(data, this.#known).filter((point) => point.at >= now - this.#spanMs);
    if (fresh.length === 0) return this.#writing.then(() => 0);
    this.#adopt(pruneHistory([...this.#points, ...fresh], now, this.#spanMs));
    this.#writing = this.#writing.then(() => this.#persist(fresh)).catch(() => undefined);
    return this.#writing.then(() => fresh.length);
  }

  #adopt(points: HistoryPoint[]): void {
    this.#points = points;
    this.#known = new Set(points.map(keyOf));
  }

  async #persist(fresh: HistoryPoint[]): Promise<void> {
    await fs.promises.mkdir(path.dirname(this.filePath), { recursive: true, mode: 0o700 });
    // Rewrite when most of the file has aged out, so it never grows past about twice a day's points.
    if (this.#linesInFile > 2 * this.#points.length + 100) {
      const temp = `${this.filePath}.${process.pid}.tmp`;
      await fs.promises.writeFile(temp, this.#points.map((point) => JSON.stringify(point)).join('\n') + '\n', { mode: 0o600 });
      await fs.promises.rename(temp, this.filePath);
      this.#linesInFile = this.#points.length;
      return;
    }
    await fs.promises.appendFile(this.filePath, fresh.map((point) => JSON.stringify(point)).join('\n') + '\n', { mode: 0o600 });
    this.#linesInFile += fresh.length;
  }
}
