import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAccount, setAccountCatalog } from './accounts.js';
import { CounterBook } from './counters.js';
import { REGISTERED_REDIRECT_PORTS } from './routes-oauth.js';
import { FaultTable } from './faults.js';
import { makeBulkChunk } from './response-stream.js';
import { createRequestListener } from './server.js';
import { SignInBook } from './sign-in-book.js';
import { createSimClock } from './sim-clock.js';
import { requireAccount, requireFamily, type SimState } from './state.js';
import { TokenAuthority } from './token-authority.js';
import type { SimAccountSpec, Simulator, SimulatorOptions } from './types.js';

export type * from './types.js';
export { greeting } from './response-stream.js';
export { WORKSPACE_REGION_MESSAGE } from './backend-auth.js';
export { DEFAULT_SIM_CATALOG } from './catalog.js';
export { DEFAULT_SIM_FAMILY } from './families.js';

/**
 * Starts a simulated ChatGPT Codex backend and OpenAI auth issuer on 127.0.0.1. Every instance is
 * independent: its own port, clock, accounts and tokens.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const clock = createSimClock(options.startTime ?? Date.now(), options.freezeClock ?? false);
  const shutdown = new AbortController();
  const server = createServer(createRequestListener(() => state));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const accounts: SimState['accounts'] = new Map();
  const counters = new CounterBook();
  const signIn = new SignInBook();
  const state: SimState = {
    clock,
    issuer: url,
    accounts,
    tokens: new TokenAuthority(clock, options.accessTokenLifetimeSeconds ?? 3600, url, (accountId) => requireAccount(state, accountId).identity),
    faults: new FaultTable(),
    counters,
    signIn,
    usageModes: { codex: 'ok', wham: 'ok' },
    usageActive: new Map(),
    usageBurstLimit: options.usageBurstLimit ?? Number.POSITIVE_INFINITY,
    usageLatencyMs: options.usageLatencyMs ?? 0,
    autoApproveDeviceAfterPolls: options.autoApproveDeviceAfterPolls,
    signInPage: options.signInPage ?? false,
    bulkChunk: makeBulkChunk(options.bulkChunkBytes ?? 16 * 1024),
    redirectPorts: options.redirectPorts ?? REGISTERED_REDIRECT_PORTS,
    refreshErrorStyle: options.refreshErrorStyle ?? 'envelope',
    closing: shutdown.signal,
    refreshAnswerListeners: new Set(),
  };
  const sim = state;

  const addAccount = (spec: SimAccountSpec): void => {
    if (accounts.has(spec.accountId)) throw new Error(`simulator: account ${spec.accountId} already exists`);
    accounts.set(
      spec.accountId,
      createAccount(spec, () => clock.now()),
    );
    signIn.accountId ??= spec.accountId;
  };
  for (const spec of options.accounts ?? []) addAccount(spec);

  let closed: Promise<void> | undefined;
  return {
    url,
    baseUrl: `${url}/backend-api`,
    issuer: url,
    clock,
    addAccount,
    issueTokens: (accountId) => {
      requireAccount(sim, accountId);
      return sim.tokens.issue(accountId);
    },
    setUsage(accountId, usage) {
      const { quota } = requireAccount(sim, accountId);
      if (usage.fiveHourUsedPercent !== undefined) quota.set('fiveHour', usage.fiveHourUsedPercent);
      if (usage.weeklyUsedPercent !== undefined) quota.set('weekly', usage.weeklyUsedPercent);
      if (usage.monthlyUsedPercent !== undefined) quota.set('monthly', usage.monthlyUsedPercent);
    },
    usage: (accountId) => requireAccount(sim, accountId).quota.snapshot(),
    setFamilyUsage(accountId, familyId, usage) {
      const { quota } = requireFamily(sim, accountId, familyId);
      if (usage.fiveHourUsedPercent !== undefined) quota.set('fiveHour', usage.fiveHourUsedPercent);
      if (usage.weeklyUsedPercent !== undefined) quota.set('weekly', usage.weeklyUsedPercent);
      if (usage.monthlyUsedPercent !== undefined) quota.set('monthly', usage.monthlyUsedPercent);
    },
    familyUsage: (accountId, familyId) => requireFamily(sim, accountId, familyId).quota.snapshot(),
    setCatalog(accountId, catalog) {
      setAccountCatalog(requireAccount(sim, accountId), catalog);
    },
    setUsageRoute(route, mode) {
      sim.usageModes[route] = mode;
    },
    addFault: (rule) => sim.faults.add(rule),
    clearFaults: () => sim.faults.clear(),
    setSignInAccount(accountId) {
      requireAccount(sim, accountId);
      signIn.accountId = accountId;
    },
    approveDeviceCode(userCode) {
      if (!signIn.accountId) throw new Error('simulator: no sign-in account');
      signIn.approveDevice(userCode, signIn.accountId);
    },
    revokeAccountTokens(accountId) {
      requireAccount(sim, accountId);
      sim.tokens.revokeAccount(accountId);
    },
    onRefreshAnswer(listener) {
      sim.refreshAnswerListeners.add(listener);
      return () => sim.refreshAnswerListeners.delete(listener);
    },
    counters,
    log: counters.log,
    close() {
      closed ??= new Promise<void>((resolve) => {
        shutdown.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
