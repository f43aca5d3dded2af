import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { memoryLogger } from '../../src/log/logger.js';
import { AccountStore } from '../../src/store/account-store.js';
import { upsertAccount } from '../../src/store/mutations.js';
import { accountFromGrant } from '../../src/tokens/tokens-from-grant.js';
import { TokenKeeper } from '../../src/tokens/token-keeper.js';
import { UsageRefreshQueue, type UsageRefreshQueueOptions } from '../../src/usage/refresh-queue.js';
import { startSimulator, type SimAccountSpec, type Simulator, type SimulatorOptions } from '../sim/index.js';

/** Fast backoff so challenge retries do not slow the suite; the behaviour (how many tries) is unchanged. */
const FAST_CLIENT = { retryBaseMs: 5, retryMaxMs: 20, timeoutMs: 10_000 };

export interface UsageFixture {
  sim: Simulator;
  store: AccountStore;
  tokens: TokenKeeper;
  dir: string;
  logger: ReturnType<typeof memoryLogger>;
  /** Store account id by simulator account id. */
  ids: Record<string, string>;
  queue(options?: Partial<UsageRefreshQueueOptions>): UsageRefreshQueue;
  close(): Promise<void>;
}

export function simAccounts(count: number, spec: Partial<SimAccountSpec> = {}): SimAccountSpec[] {
  return Array.from({ length: count }, (_, index) => ({ accountId: `acct-${String(index + 1).padStart(3, '0')}`, ...spec }));
}

/** A simulator, a real store in a temp dir holding one signed-in account per simulator account, and a token keeper. */
export async function usageFixture(options: SimulatorOptions & { accounts: SimAccountSpec[] }): Promise<UsageFixture> {
  const sim = await startSimulator({ freezeClock: true, ...options });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'usage-test-'));
  const logger = memoryLogger('debug');
  const clock = sim.clock;
  const store = new AccountStore({ dir, clock, logger });
  await store.load();
  const ids: Record<string, string> = {};
  const accounts = options.accounts.map((spec) => {
    const grant = sim.issueTokens(spec.accountId);
    const account = accountFromGrant(
      { accessToken: grant.access_token, refreshToken: grant.refresh_token, idToken: grant.id_token, expiresIn: grant.expires_in },
      { origin: 'manual', now: clock.now(), alias: spec.accountId },
    );
    ids[spec.accountId] = account.id;
    return account;
  });
  await store.update((data) => {
    for (const account of accounts) upsertAccount(data, account);
  });
  const tokens = new TokenKeeper({ store, issuer: sim.issuer, clock, logger });
  return {
    sim,
    store,
    tokens,
    dir,
    logger,
    ids,
    queue: (overrides = {}) =>
      new UsageRefreshQueue({
        store,
        tokens,
        config: { codexBaseUrl: sim.baseUrl, refreshQueueConcurrency: 5 },
        clock,
        logger,
        codexCli: false,
        client: FAST_CLIENT,
        ...overrides,
      }),
    async close() {
      await store.close();
      await sim.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
