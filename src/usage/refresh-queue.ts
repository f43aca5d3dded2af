import PQueue from 'p-queue';
import path from 'node:path';
import { systemClock, type Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import { silentLogger, type Logger } from '../log/logger.js';
import type { SnapshotSource } from '../store/schema.js';
import { refreshCatalogIfDue } from '../models/refresh-catalog.js';
import { DEFAULT_PROBE_MODEL, PROBE_INTERVAL_MS } from './probe-policy.js';
import {
  recordRefreshFailure,
  refreshAccountUsage,
  UsageRefreshFailedError,
  type AccessTokenSource,
  type CodexCliProbeSetup,
  type RefreshContext,
  type UsageStore,
} from './refresh-account.js';
import { UsageClient, type UsageClientOptions } from './usage-client.js';

export type RefreshState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** Where one account's refresh stands, for the CLI's progress display. */
export interface RefreshProgress {
  accountId: string;
  state: RefreshState;
  /** Why it failed or was cancelled. */
  reason?: string;
  /** Where the new snapshot came from, when done. */
  source?: SnapshotSource;
  /** Epoch ms. */
  startedAt?: number;
  finishedAt?: number;
}

export interface UsageRefreshQueueOptions {
  /** The account store (an AccountStore). */
  store: UsageStore;
  /** The token keeper (a TokenKeeper). */
  tokens: AccessTokenSource;
  config: Pick<Config, 'codexBaseUrl' | 'refreshQueueConcurrency'>;
  /** The runtime's fetch. Default the global fetch. */
  fetch?: typeof fetch;
  /** Default the system clock. */
  clock?: Clock;
  logger?: Logger;
  /** Model of the probe request. Default {@link DEFAULT_PROBE_MODEL}. */
  probeModel?: string;
  /** At most one probe per account per this long. Default 30 min. */
  probeIntervalMs?: number;
  /** Until a probe's headers arrive. Default 30 s. */
  probeTimeoutMs?: number;
  /**
   * The codex CLI probe. Default: offered when `CODEX_CLI_BIN` is set, with per-account CODEX_HOME
   * directories under `<store dir>/codex-homes`. `false` turns it off.
   */
  codexCli?: CodexCliProbeSetup | false;
  /** Tuning of the usage HTTP client (timeout, challenge retries, backoff). */
  client?: Omit<UsageClientOptions, 'baseUrl' | 'fetch' | 'logger'>;
}

function codexCliFromEnv(env: NodeJS.ProcessEnv, storeDir: string): CodexCliProbeSetup | undefined {
  const bin = env.CODEX_CLI_BIN?.trim();
  return bin ? { bin, homesDir: path.join(storeDir, 'codex-homes') } : undefined;
}

/**
 * One bounded queue for every usage refresh in this process: at most `refreshQueueConcurrency`
 * in flight, at most one per account (callers asking for the same account share it), with
 * per-account progress and cancellation.
 */
export class UsageRefreshQueue {
  readonly #queue: PQueue;
  readonly #context: RefreshContext;
  readonly #store: UsageStore;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #inflight = new Map<string, { promise: Promise<RefreshProgress>; controller: AbortController }>();
  readonly #progress = new Map<string, RefreshProgress>();
  readonly #listeners = new Set<(progress: RefreshProgress) => void>();

  constructor(options: UsageRefreshQueueOptions) {
    const concurrency = Math.min(20, Math.max(1, Math.floor(options.config.refreshQueueConcurrency)));
    this.#queue = new PQueue({ concurrency });
    this.#store = options.store;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    const fetchFn = options.fetch ?? globalThis.fetch;
    const codexCli = options.codexCli === false ? undefined : (options.codexCli ?? codexCliFromEnv(process.env, options.store.dir));
    this.#context = {
      store: options.store,
      tokens: options.tokens,
      client: new UsageClient({ ...options.client, baseUrl: options.config.codexBaseUrl, fetch: fetchFn, logger: this.#logger }),
      baseUrl: options.config.codexBaseUrl,
      fetch: fetchFn,
      clock: this.#clock,
      logger: this.#logger,
      probeModel: options.probeModel ?? DEFAULT_PROBE_MODEL,
      probeIntervalMs: options.probeIntervalMs ?? PROBE_INTERVAL_MS,
      probeTimeoutMs: options.probeTimeoutMs ?? 30_000,
      codexCli,
    };
  }

  /** Refreshes one account (or joins its refresh in flight) and writes the result to the store. */
  async refresh(accountId: string): Promise<RefreshProgress> {
    const progress = await this.#enqueue(accountId);
    await this.#flush();
    return progress;
  }

  /**
   * Refreshes the given accounts (default: every enabled account), through the bounded queue.
   * Given ids are queued before this returns its promise, so they can be cancelled right away.
   */
  refreshAll(accountIds?: string[]): Promise<RefreshProgress[]> {
    const run = async (ids: string[]) => {
      const results = await Promise.all([...new Set(ids)].map((id) => this.#enqueue(id)));
      await this.#flush();
      return results;
    };
    if (accountIds) return run(accountIds);
    return this.#store.current().then((data) => run(data.accounts.filter((account) => account.enabled).map((account) => account.id)));
  }

  /** The latest state of every account this queue has seen, in the order first seen. */
  progress(): RefreshProgress[] {
    return [...this.#progress.values()].map((progress) => ({ ...progress }));
  }

  /** Called on every state change. Returns the unsubscribe function. */
  onProgress(listener: (progress: RefreshProgress) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Cancels one account's refresh (queued or running), or all of them. An account not queued yet is not affected. */
  cancel(accountId?: string): void {
    const targets = accountId === undefined ? [...this.#inflight.values()] : [this.#inflight.get(accountId)].filter((entry) => entry !== undefined);
    for (const entry of targets) entry.controller.abort(new Error('cancelled'));
  }

  /** Resolves when nothing is queued or running and the results are written. */
  async idle(): Promise<void> {
    await this.#queue.onIdle();
    await Promise.allSettled([...this.#inflight.values()].map((entry) => entry.promise));
    await this.#flush();
  }

  #enqueue(accountId: string): Promise<RefreshProgress> {
    const existing = this.#inflight.get(accountId);
    if (existing) return existing.promise;
    const controller = new AbortController();
    this.#set({ accountId, state: 'queued' });
    let started: Promise<RefreshProgress> | undefined;
    const promise = this.#queue
      .add(() => (started = this.#run(accountId, controller.signal)), { signal: controller.signal })
      .catch((error: unknown) => {
        // p-queue rejects on abort even when the task is running; a running task reports for itself.
        if (started) return started;
        const progress: RefreshProgress = {
          accountId,
          state: controller.signal.aborted ? 'cancelled' : 'failed',
          reason: controller.signal.aborted ? 'cancelled before it started' : String(error),
          finishedAt: this.#clock.now(),
        };
        this.#set(progress);
        return progress;
      })
      .finally(() => this.#inflight.delete(accountId));
    this.#inflight.set(accountId, { promise, controller });
    return promise;
  }

  async #run(accountId: string, signal: AbortSignal): Promise<RefreshProgress> {
    const startedAt = this.#clock.now();
    this.#set({ accountId, state: 'running', startedAt });
    let progress: RefreshProgress;
    try {
      const source = await refreshAccountUsage(this.#context, accountId, signal);
      await this.#refreshCatalog(accountId, signal);
      progress = { accountId, state: 'done', source, startedAt, finishedAt: this.#clock.now() };
    } catch (error) {
      const failure =
        error instanceof UsageRefreshFailedError
          ? error
          : new UsageRefreshFailedError(accountId, error instanceof Error ? error.message : String(error), 'unavailable');
      const cancelled = signal.aborted || failure.kind === 'cancelled';
      if (!cancelled) recordRefreshFailure(this.#context, failure);
      this.#logger.info('usage refresh failed', { accountId, reason: failure.reason });
      progress = {
        accountId,
        state: cancelled ? 'cancelled' : 'failed',
        reason: cancelled ? 'cancelled' : failure.reason,
        startedAt,
        finishedAt: this.#clock.now(),
      };
    }
    this.#set(progress);
    return progress;
  }

  /** The account's model catalog rides along with its usage refresh when due; its failure fails nothing else. */
  async #refreshCatalog(accountId: string, signal: AbortSignal): Promise<void> {
    try {
      await refreshCatalogIfDue(this.#context, accountId, signal);
    } catch (error) {
      this.#logger.info('model catalog read failed; the last one read (or the built-in list) stays in use', {
        accountId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  #set(progress: RefreshProgress): void {
    this.#progress.set(progress.accountId, progress);
    for (const listener of this.#listeners) {
      try {
        listener({ ...progress });
      } catch (error) {
        this.#logger.warn('a refresh progress listener threw', { error: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  async #flush(): Promise<void> {
    try {
      await this.#store.flush();
    } catch (error) {
      this.#logger.warn('could not write usage snapshots yet; they stay in memory and are retried with the next write', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
