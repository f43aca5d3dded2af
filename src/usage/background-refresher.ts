import path from 'node:path';
import { systemClock, type Clock } from '../clock.js';
import { silentLogger, type Logger } from '../log/logger.js';
import { LeaseFile } from './lease.js';
import type { UsageStore } from './refresh-account.js';
import type { RefreshProgress, UsageRefreshQueue } from './refresh-queue.js';
import { selectAccountsToRefresh, type SelectionConfig } from './refresh-selection.js';

const LEASE_FILE_NAME = 'usage-refresher.lease';

export interface BackgroundUsageRefresherOptions {
  queue: Pick<UsageRefreshQueue, 'refreshAll' | 'cancel'>;
  store: Pick<UsageStore, 'current' | 'dir'>;
  config: SelectionConfig;
  clock?: Clock;
  logger?: Logger;
  /** The machine-wide lease. Default `<store dir>/usage-refresher.lease`. */
  leaseFile?: string;
  /**
   * Within a round, each account's refresh starts after a random delay up to this long, so rounds of
   * different machines and accounts do not fall into lockstep. Default a quarter of the interval, at most 30 s.
   */
  spreadMs?: number;
  /** Default Math.random. */
  random?: () => number;
}

/**
 * Keeps the snapshots that matter current (paused, stale, near the threshold, active; see
 * refresh-selection), one round every usageRefreshInterval with ±25% jitter. Only the process
 * holding the machine-wide lease polls; the others check each round whether it was given up or
 * its holder died. A paused account whose window has reset is found stale and re-read, so it
 * returns to rotation without traffic or user action.
 */
export class BackgroundUsageRefresher {
  readonly #options: BackgroundUsageRefresherOptions;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #lease: LeaseFile;
  readonly #random: () => number;
  readonly #spreadMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #round: Promise<unknown> | undefined;
  #running = false;
  /** Counts start() calls; each polling chain belongs to one. */
  #generation = 0;
  #stopped = false;
  /** Accounts the current round asked the queue for, to cancel on stop. */
  readonly #roundIds = new Set<string>();
  readonly #pendingDelays = new Set<{ timer: ReturnType<typeof setTimeout>; resolve: () => void }>();

  constructor(options: BackgroundUsageRefresherOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#random = options.random ?? Math.random;
    const interval = options.config.usageRefreshInterval;
    this.#spreadMs = options.spreadMs ?? Math.min(interval / 4, 30_000);
    this.#lease = new LeaseFile({
      file: options.leaseFile ?? path.join(options.store.dir, LEASE_FILE_NAME),
      clock: this.#clock,
      // Three missed renewals before another process may take over.
      durationMs: interval * 3,
    });
  }

  /** Starts polling: a first round soon (jittered), then one per interval. Idempotent. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#stopped = false;
    this.#generation += 1;
    this.#schedule(this.#random() * Math.min(this.#options.config.usageRefreshInterval, 30_000), this.#generation);
  }

  /** Stops polling, cancels what this refresher queued, waits for the round to end and gives up the lease. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#stopped = true;
    for (const id of this.#roundIds) this.#options.queue.cancel(id);
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const pending of this.#pendingDelays) {
      clearTimeout(pending.timer);
      pending.resolve();
    }
    this.#pendingDelays.clear();
    await this.#round?.catch(() => {});
    await this.#lease.release().catch(() => {});
  }

  /** Which accounts a round would refresh now. */
  async accountsToRefresh(): Promise<string[]> {
    return selectAccountsToRefresh(await this.#options.store.current(), this.#clock.now(), this.#options.config);
  }

  /**
   * One round: renew (or take) the lease, then refresh the accounts that matter. Returns undefined
   * when another process holds the lease and so does the polling.
   */
  async runRound(): Promise<RefreshProgress[] | undefined> {
    const round = this.#runRound();
    this.#round = round;
    return round;
  }

  async #runRound(): Promise<RefreshProgress[] | undefined> {
    let holder: boolean;
    try {
      holder = await this.#lease.acquire();
    } catch (error) {
      this.#logger.warn('could not take the usage refresher lease; skipping this round', { error: error instanceof Error ? error.message : String(error) });
      return undefined;
    }
    if (!holder) {
      this.#logger.debug('another process holds the usage refresher lease; not polling');
      return undefined;
    }
    const ids = await this.accountsToRefresh();
    if (ids.length === 0) return [];
    this.#logger.debug('background usage round', { accounts: ids.length });
    const results = await Promise.all(
      ids.map(async (id): Promise<RefreshProgress> => {
        await this.#delay(this.#random() * this.#spreadMs);
        if (this.#stopped) return { accountId: id, state: 'cancelled', reason: 'the background refresher stopped' };
        this.#roundIds.add(id);
        try {
          return (await this.#options.queue.refreshAll([id]))[0]!;
        } finally {
          this.#roundIds.delete(id);
        }
      }),
    );
    const failed = results.filter((result) => result.state === 'failed');
    if (failed.length > 0) {
      this.#logger.info('background usage round finished with failures', {
        failed: failed.map((result) => ({ accountId: result.accountId, reason: result.reason })),
      });
    }
    return results;
  }

  #delay(ms: number): Promise<void> {
    if (ms <= 0 || this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const pending = {
        timer: setTimeout(() => {
          this.#pendingDelays.delete(pending);
          resolve();
        }, ms),
        resolve,
      };
      (pending.timer as { unref?: () => void }).unref?.();
      this.#pendingDelays.add(pending);
    });
  }

  /** `generation` ties the chain to one start(): a round still running from before a stop and start schedules nothing. */
  #schedule(delayMs: number, generation: number): void {
    if (!this.#running || generation !== this.#generation) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.runRound()
        .catch((error: unknown) => this.#logger.warn('background usage round failed', { error: error instanceof Error ? error.message : String(error) }))
        .finally(() => {
          const interval = this.#options.config.usageRefreshInterval;
          this.#schedule(interval * (0.75 + 0.5 * this.#random()), generation);
        });
    }, delayMs);
    // Never keep OpenCode (or the CLI) alive just to poll.
    (this.#timer as { unref?: () => void }).unref?.();
  }
}
