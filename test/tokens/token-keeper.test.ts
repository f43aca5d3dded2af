import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../src/log/logger.js';
import { AccountStore } from '../../src/store/account-store.js';
import { extendCooldown, findAccount, upsertAccount } from '../../src/store/mutations.js';
import type { Account } from '../../src/store/schema.js';
import { ReloginRequiredError, TokenRefreshError } from '../../src/tokens/errors.js';
import { refreshTokens } from '../../src/tokens/oauth-client.js';
import { TokenKeeper } from '../../src/tokens/token-keeper.js';
import { accountFromGrant } from '../../src/tokens/tokens-from-grant.js';
import { startSimulator, type Simulator } from '../sim/index.js';
import { removeDir, tempDir } from '../store/factories.js';

let sim: Simulator;
let dir: string;
let logger: ReturnType<typeof memoryLogger>;
const stores: AccountStore[] = [];

beforeEach(async () => {
  sim = await startSimulator({ accounts: [{ accountId: 'acc1' }, { accountId: 'acc2' }], accessTokenLifetimeSeconds: 3600 });
  dir = path.join(tempDir(), 'store');
  logger = memoryLogger('debug');
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close().catch(() => {})));
  await sim.close();
  removeDir(path.dirname(dir));
});

const openStore = () => {
  const store = new AccountStore({ dir, statIntervalMs: 0, debounceMs: 10, logger });
  stores.push(store);
  return store;
};
const keeperFor = (store: AccountStore, margin = 60_000) => new TokenKeeper({ store, issuer: sim.issuer, refreshMarginMs: margin, logger });

/** Signs `accountId` in at the simulator and stores it; `expiresInMs` overrides how long its access token lasts. */
async function signIn(store: AccountStore, accountId: string, expiresInMs?: number): Promise<Account> {
  const grant = sim.issueTokens(accountId);
  const account = accountFromGrant(
    { accessToken: grant.access_token, refreshToken: grant.refresh_token, idToken: grant.id_token, expiresIn: grant.expires_in },
    { origin: 'browser', now: Date.now(), alias: accountId },
  );
  if (expiresInMs !== undefined) account.tokens.expiresAt = Date.now() + expiresInMs;
  await store.update((data) => upsertAccount(data, account));
  return account;
}

const onDisk = (store: AccountStore, id: string) => findAccount(JSON.parse(fs.readFileSync(store.filePath, 'utf8')), id)!;

function expectNoSecretsLogged(...secrets: string[]) {
  for (const line of logger.lines) for (const secret of secrets) expect(line).not.toContain(secret);
}

describe('TokenKeeper', () => {
  it('returns the stored token while it is outside the margin, without calling the issuer', async () => {
    const store = openStore();
    const account = await signIn(store, 'acc1');
    expect(await keeperFor(store).accessToken(account.id)).toBe(account.tokens.accessToken);
    expect(sim.counters.refreshes('acc1')).toBe(0);
  });

  it('refreshes a token expiring within the margin and saves the rotation before returning it', async () => {
    const store = openStore();
    const account = await signIn(store, 'acc1', 30_000);
    const token = await keeperFor(store).accessToken(account.id);
    expect(token).not.toBe(account.tokens.accessToken);
    expect(sim.counters.refreshes('acc1')).toBe(1);
    const saved = onDisk(store, account.id);
    expect(saved.tokens.accessToken).toBe(token);
    expect(saved.tokens.refreshToken).not.toBe(account.tokens.refreshToken);
    expect(saved.tokens.obtainedAt).toBeGreaterThan(account.tokens.obtainedAt);
    expectNoSecretsLogged(token, account.tokens.refreshToken, saved.tokens.refreshToken);
  });

  it('refreshes after a 401 even when the token has not expired, and not when the rejected token is already replaced', async () => {
    const store = openStore();
    const account = await signIn(store, 'acc1');
    const keeper = keeperFor(store);
    const fresh = await keeper.accessToken(account.id, { rejected: account.tokens.accessToken });
    expect(fresh).not.toBe(account.tokens.accessToken);
    expect(await keeper.accessToken(account.id, { rejected: account.tokens.accessToken })).toBe(fresh);
    expect(sim.counters.refreshes('acc1')).toBe(1);
  });

  it('shares one refresh among concurrent callers in a process', async () => {
    const store = openStore();
    const account = await signIn(store, 'acc1', 1_000);
    const keeper = keeperFor(store);
    const tokens = await Promise.all(Array.from({ length: 6 }, () => keeper.accessToken(account.id)));
    expect(new Set(tokens).size).toBe(1);
    expect(sim.counters.refreshes('acc1')).toBe(1);
  });

  it('adopts a rotation another process made instead of spending the old refresh token', async () => {
    const store = openStore();
    const account = await signIn(store, 'acc1', 1_000);
    const other = openStore();
    await other.load();
    const otherKeeper = keeperFor(other);
    // Two "processes" (separate store instances and keepers) race for the same expiring token.
    const [mine, theirs] = await Promise.all([keeperFor(store).accessToken(account.id), otherKeeper.accessToken(account.id)]);
    expect(mine).toBe(theirs);
    expect(sim.counters.refreshes('acc1')).toBe(1);
    expect(sim.counters.reuseEvents('acc1')).toBe(0);
  });

  it('marks the account for re-login when its refresh token was spent elsewhere, and keeps it', async () => {
    const store = openStore();
    const account = await signIn(store, 'acc1', 1_000);
    await refreshTokens(sim.issuer, account.tokens.refreshToken); // the codex CLI got there first
    const keeper = keeperFor(store);
    const error = await keeper.accessToken(account.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReloginRequiredError);
    expect(error).toMatchObject({ accountId: account.id, alias: 'acc1', reason: 'refresh_token_reused' });
    const saved = onDisk(store, account.id);
    expect(saved.health.reloginRequired?.reason).toBe('refresh_token_reused');
    // Later calls do not touch the issuer again.
    const before = sim.counters.requests('token');
    await expect(keeper.accessToken(account.id)).rejects.toBeInstanceOf(ReloginRequiredError);
    expect(sim.counters.requests('token')).toBe(before);
    expectNoSecretsLogged(account.tokens.refreshToken, account.tokens.accessToken);
    expect((error as Error).message).not.toContain(account.tokens.refreshToken);
  });

  it.each(['envelope', 'oauth'] as const)('reads a refused refresh in the %s shape (PROTOCOL.md §8 gives both) as needing a sign-in', async (style) => {
    await sim.close();
    sim = await startSimulator({ accounts: [{ accountId: 'acc1' }], refreshErrorStyle: style });
    const store = openStore();
    const account = await signIn(store, 'acc1', 1_000);
    await refreshTokens(sim.issuer, account.tokens.refreshToken);
    await expect(keeperFor(store).accessToken(account.id)).rejects.toMatchObject({ reason: 'refresh_token_reused' });
    expect(onDisk(store, account.id).health.reloginRequired?.reason).toBe('refresh_token_reused');
  });

  it('treats a revoked family (refresh_token_invalidated) as needing a sign-in', async () => {
    const store = openStore();
    const account = await signIn(store, 'acc1', 1_000);
    sim.revokeAccountTokens('acc1');
    await expect(keeperFor(store).accessToken(account.id)).rejects.toMatchObject({ reason: 'refresh_token_invalidated' });
  });

  it('on a transient failure keeps using a still-valid token, throws for an expired one, and recovers later', async () => {
    const store = openStore();
    const account = await signIn(store, 'acc1', 30_000);
    const keeper = keeperFor(store);
    sim.addFault({ route: 'token', status: 503, times: 1 });
    expect(await keeper.accessToken(account.id)).toBe(account.tokens.accessToken);
    expect(findAccount(await store.reload(), account.id)!.health.reloginRequired).toBeUndefined();

    await store.update((data) => {
      findAccount(data, account.id)!.tokens.expiresAt = Date.now() - 1;
    });
    sim.addFault({ route: 'token', status: 500, times: 1 });
    const error = await keeper.accessToken(account.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRefreshError);
    expect(error).toMatchObject({ status: 500, transient: true });
    // The refresh token was not spent by the failures: the next try succeeds.
    const token = await keeper.accessToken(account.id);
    expect(token).not.toBe(account.tokens.accessToken);
    expect(sim.counters.reuseEvents('acc1')).toBe(0);
  });

  it('refreshExpiring refreshes due accounts, including those out of quota, and leaves the rest', async () => {
    const store = openStore();
    const due = await signIn(store, 'acc1', 60_000);
    const later = await signIn(store, 'acc2');
    await store.update((data) => extendCooldown(data, due.id, Date.now() + 3_600_000, 'usage_limit_reached'));
    await keeperFor(store, 0).refreshExpiring(5 * 60_000);
    expect(sim.counters.refreshes('acc1')).toBe(1);
    expect(sim.counters.refreshes('acc2')).toBe(0);
    expect(onDisk(store, due.id).tokens.accessToken).not.toBe(due.tokens.accessToken);
    expect(onDisk(store, later.id).tokens.accessToken).toBe(later.tokens.accessToken);
  });
});
