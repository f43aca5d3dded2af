import type { Clock } from '../clock.js';
import { formatMoment } from '../time/format-time.js';
import type { Logger } from '../log/logger.js';
import { findAccount, markWorkspaceDeactivated, recordError, recordProbe, setUsageRoute } from '../store/mutations.js';
import type { Account, SnapshotSource, StoreData } from '../store/schema.js';
import { ReloginRequiredError, UnknownAccountError } from '../tokens/errors.js';
import { probeWithCodexCli } from './codex-cli-probe.js';
import { ProbeError, UsageEndpointError } from './errors.js';
import { isProbeAllowed, nextProbeAllowedAt } from './probe-policy.js';
import { probeLimits } from './probe.js';
import type { UsageObservation } from './rate-limit-headers.js';
import { snapshotsFromUsageReply } from './snapshots-from-reply.js';
import type { UsageClient } from './usage-client.js';
import { clearReloginFlagSeenWorking, recordObservation } from './usage-mutations.js';

/** A 402 `deactivated_workspace` keeps the account out this long before it is tried again. */
const DEACTIVATED_WORKSPACE_BLOCK_MS = 30 * 60_000;

/** What the refresher needs of the account store (AccountStore satisfies it). */
export interface UsageStore {
  current(): Promise<StoreData>;
  peek(): StoreData;
  update(mutate?: (data: StoreData) => void): Promise<StoreData>;
  defer(mutate: (data: StoreData) => void): void;
  flush(): Promise<void>;
  readonly dir: string;
}

/** What the refresher needs of the token keeper (TokenKeeper satisfies it). */
export interface AccessTokenSource {
  /** A usable access token; with `rejected`, one other than the token the backend just refused. */
  accessToken(accountId: string, options?: { rejected?: string }): Promise<string>;
}

export interface CodexCliProbeSetup {
  /** The codex binary (CODEX_CLI_BIN). */
  bin: string;
  /** Parent of the per-account CODEX_HOME directories. */
  homesDir: string;
  env?: NodeJS.ProcessEnv;
}

export interface RefreshContext {
  store: UsageStore;
  tokens: AccessTokenSource;
  client: UsageClient;
  baseUrl: string;
  fetch: typeof fetch;
  clock: Clock;
  logger: Logger;
  probeModel: string;
  probeIntervalMs: number;
  probeTimeoutMs: number;
  codexCli?: CodexCliProbeSetup;
}

/** A refresh that did not produce a snapshot; `reason` is shown to the user as is. */
export class UsageRefreshFailedError extends Error {
  override readonly name = 'UsageRefreshFailedError';
  constructor(
    readonly accountId: string,
    readonly reason: string,
    readonly kind: 'relogin-required' | 'token' | 'deactivated-workspace' | 'unavailable' | 'cancelled' | 'not-found',
  ) {
    super(`Usage refresh of ${accountId} failed: ${reason}`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function tokenFor(ctx: RefreshContext, accountId: string, rejected?: string): Promise<string> {
  try {
    return await ctx.tokens.accessToken(accountId, rejected ? { rejected } : undefined);
  } catch (error) {
    if (error instanceof ReloginRequiredError) {
      throw new UsageRefreshFailedError(accountId, `needs a new sign-in (${describe(error)})`, 'relogin-required');
    }
    if (error instanceof UnknownAccountError) throw new UsageRefreshFailedError(accountId, 'no such account in the store', 'not-found');
    throw new UsageRefreshFailedError(accountId, `could not get an access token: ${describe(error)}`, 'token');
  }
}

function safeFileName(accountId: string): string {
  return accountId.replace(/[^A-Za-z0-9_.-]/g, '_');
}

async function probe(ctx: RefreshContext, account: Account, token: string, signal: AbortSignal | undefined, usageFailure: string): Promise<UsageObservation> {
  const now = ctx.clock.now();
  const lastProbeAt = ctx.store.peek().accounts.find((candidate) => candidate.id === account.id)?.health.lastProbeAt;
  if (!isProbeAllowed(lastProbeAt, now, ctx.probeIntervalMs)) {
    const next = formatMoment(nextProbeAllowedAt(lastProbeAt, ctx.probeIntervalMs), now);
    throw new UsageRefreshFailedError(account.id, `${usageFailure}; the next probe is allowed at ${next}`, 'unavailable');
  }
  ctx.store.defer((data) => recordProbe(data, account.id, now));
  try {
    return await probeLimits({
      baseUrl: ctx.baseUrl,
      accessToken: token,
      chatgptAccountId: account.chatgptAccountId,
      model: ctx.probeModel,
      fetch: ctx.fetch,
      timeoutMs: ctx.probeTimeoutMs,
      signal,
      observedAt: now,
    });
  } catch (error) {
    if (!(error instanceof ProbeError)) throw error;
    if (error.kind === 'cancelled') throw new UsageRefreshFailedError(account.id, 'cancelled', 'cancelled');
    if (!ctx.codexCli) throw new UsageRefreshFailedError(account.id, `${usageFailure}; probe: ${error.message}`, 'unavailable');
    ctx.logger.info('probe request failed, trying the codex CLI', { accountId: account.id, kind: error.kind });
    try {
      return await probeWithCodexCli({
        bin: ctx.codexCli.bin,
        codexHome: `${ctx.codexCli.homesDir}/${safeFileName(account.id)}`,
        tokens: { accessToken: token, refreshToken: account.tokens.refreshToken, idToken: account.tokens.idToken },
        chatgptAccountId: account.chatgptAccountId,
        model: ctx.probeModel,
        signal,
        observedAt: now,
        env: ctx.codexCli.env,
      });
    } catch (cliError) {
      throw new UsageRefreshFailedError(account.id, `${usageFailure}; probe: ${error.message}; codex CLI probe: ${describe(cliError)}`, 'unavailable');
    }
  }
}

/**
 * The story of one refresh: get a token, read the usage endpoint (refreshing the token once on a
 * 401), and when the endpoint fails for any other reason learn the limits from a rationed probe.
 * Records what it learned; throws {@link UsageRefreshFailedError} with a reason otherwise.
 */
export async function refreshAccountUsage(ctx: RefreshContext, accountId: string, signal?: AbortSignal): Promise<SnapshotSource> {
  const data = await ctx.store.current();
  const account = findAccount(data, accountId);
  if (!account) throw new UsageRefreshFailedError(accountId, 'no such account in the store', 'not-found');
  const preferredRoute = data.usageRoute[ctx.baseUrl];

  // The token keeper refuses a flagged account outright. The flag may be stale (a 403 storm once
  // mistaken for dead auth), so a still-valid stored access token gets one chance to prove it wrong.
  const flagged = account.health.reloginRequired !== undefined;
  if (flagged && account.tokens.expiresAt <= ctx.clock.now()) {
    throw new UsageRefreshFailedError(accountId, `needs a new sign-in (${account.health.reloginRequired!.reason})`, 'relogin-required');
  }
  let token = flagged ? account.tokens.accessToken : await tokenFor(ctx, accountId);
  const read = (accessToken: string) => ctx.client.read({ accessToken, chatgptAccountId: account.chatgptAccountId, preferredRoute, signal, accountId });

  let observation: UsageObservation;
  let source: SnapshotSource = 'usage-endpoint';
  try {
    let result;
    try {
      result = await read(token);
    } catch (error) {
      if (!(error instanceof UsageEndpointError) || error.kind !== 'unauthorized') throw error;
      if (flagged) throw new UsageRefreshFailedError(accountId, `needs a new sign-in (${account.health.reloginRequired!.reason})`, 'relogin-required');
      ctx.logger.info('usage read got 401, refreshing the token once', { accountId });
      token = await tokenFor(ctx, accountId, token);
      try {
        result = await read(token);
      } catch (retryError) {
        if (retryError instanceof UsageEndpointError && retryError.kind === 'unauthorized') {
          // The refresh just worked: the sign-in is alive, and a new one would not help. Say what the backend said.
          throw new UsageRefreshFailedError(accountId, `the backend refused a freshly refreshed token (${retryError.message})`, 'unavailable');
        }
        throw retryError;
      }
    }
    observation = snapshotsFromUsageReply(result.reply, ctx.clock.now());
    if (preferredRoute !== result.route) ctx.store.defer((draft) => setUsageRoute(draft, ctx.baseUrl, result.route));
  } catch (error) {
    if (error instanceof UsageRefreshFailedError) throw error;
    if (!(error instanceof UsageEndpointError)) throw error;
    if (error.kind === 'cancelled') throw new UsageRefreshFailedError(accountId, 'cancelled', 'cancelled');
    if (error.kind === 'workspace-region') {
      // A residency-locked or FedRAMP workspace reached from the wrong region: no refresh or probe can fix that,
      // and it is no reason to ask for a new sign-in (PROTOCOL.md §8).
      throw new UsageRefreshFailedError(accountId, `the backend refused this workspace: ${error.message}`, 'unavailable');
    }
    if (error.kind === 'deactivated-workspace') {
      const until = ctx.clock.now() + DEACTIVATED_WORKSPACE_BLOCK_MS;
      await ctx.store.update((draft) => markWorkspaceDeactivated(draft, accountId, until));
      throw new UsageRefreshFailedError(
        accountId,
        `its workspace is deactivated (402); left out until ${formatMoment(until, ctx.clock.now())}`,
        'deactivated-workspace',
      );
    }
    // Not an auth failure (a JSON 403 included): never a reason to call the account invalid.
    ctx.logger.info('usage endpoint failed, probing instead', { accountId, kind: error.kind, status: error.details.status });
    observation = await probe(ctx, account, token, signal, `usage endpoint: ${error.message}`);
    source = observation.fiveHour?.source ?? observation.weekly?.source ?? 'probe';
  }

  const seenAt = ctx.clock.now();
  ctx.store.defer((draft) => {
    recordObservation(draft, accountId, observation);
    clearReloginFlagSeenWorking(draft, accountId, seenAt);
  });
  return source;
}

/** Remembers a failure on the account so `status` can say why its numbers are old. */
export function recordRefreshFailure(ctx: Pick<RefreshContext, 'store' | 'clock'>, error: UsageRefreshFailedError): void {
  if (error.kind === 'cancelled' || error.kind === 'not-found') return;
  const at = ctx.clock.now();
  ctx.store.defer((draft) => recordError(draft, error.accountId, `usage refresh: ${error.reason}`, at));
}
