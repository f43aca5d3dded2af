import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountStore } from '../../src/store/account-store.js';
import { findAccount, upsertAccount } from '../../src/store/mutations.js';
import { readStoreFile } from '../../src/store/store-file.js';
import { refreshTokens } from '../../src/tokens/oauth-client.js';
import { accountFromGrant } from '../../src/tokens/tokens-from-grant.js';
import { startSimulator, type Simulator } from '../sim/index.js';
import { removeDir, tempDir } from './factories.js';
import { runWorker } from './spawn-worker.js';

const WORKERS = 4;
const OPS = 100;

let sim: Simulator;
let root: string;
beforeAll(async () => {
  sim = await startSimulator({ accounts: [{ accountId: 'acc1' }, { accountId: 'acc2' }], accessTokenLifetimeSeconds: 1 });
  root = tempDir();
});
afterAll(async () => {
  await sim.close();
  removeDir(root);
});

interface WorkerReport {
  worker: number;
  errors: string[];
  lastAlias: string;
  maxCooldown: number;
  stats: { refreshAttempts: number; refreshes: number; adopted: number };
}

describe(`${WORKERS} processes × ${OPS} mixed operations on one store`, () => {
  it('lose no update, keep the file valid, and spend every refresh token exactly once', async () => {
    const dir = path.join(root, 'store');
    const seed = new AccountStore({ dir });
    await seed.update((data) => {
      for (const accountId of ['acc1', 'acc2']) {
        const grant = sim.issueTokens(accountId);
        upsertAccount(
          data,
          accountFromGrant(
            { accessToken: grant.access_token, refreshToken: grant.refresh_token, idToken: grant.id_token, expiresIn: grant.expires_in },
            { origin: 'browser', now: Date.now(), alias: accountId },
          ),
        );
      }
    });
    const ids = seed
      .peek()
      .accounts.map((account) => account.id)
      .sort();

    const outputs = await Promise.all(Array.from({ length: WORKERS }, (_, worker) => runWorker('mixed-ops', [dir, sim.issuer, String(worker), String(OPS)])));
    const reports = outputs.map((output) => JSON.parse(output.trim().split('\n').pop()!) as WorkerReport);

    expect(reports.flatMap((report) => report.errors)).toEqual([]);
    expect(sim.counters.reuseEvents('acc1') + sim.counters.reuseEvents('acc2')).toBe(0);
    const refreshes = reports.reduce((sum, report) => sum + report.stats.refreshes, 0);
    const attempts = reports.reduce((sum, report) => sum + report.stats.refreshAttempts, 0);
    // Exactly one issuer call per rotation: the sim saw what the workers did, no more.
    expect(sim.counters.refreshes('acc1') + sim.counters.refreshes('acc2')).toBe(refreshes);
    expect(attempts).toBe(refreshes);
    expect(refreshes).toBeGreaterThan(WORKERS);

    const read = await readStoreFile(path.join(dir, 'accounts.json'), Date.now());
    if (!read.exists) throw new Error('store missing');
    const data = read.data;
    expect(data.accounts.map((account) => account.id).sort()).toEqual(ids);
    const first = findAccount(data, ids[0]!)!;
    const second = findAccount(data, ids[1]!)!;
    // Every deferred request count reached the file exactly once.
    expect(first.stats.requests).toBe(WORKERS * OPS);
    // Cooldowns only ever extend: the largest mark wins.
    expect(first.health.cooldownUntil).toBe(Math.max(...reports.map((report) => report.maxCooldown)));
    // Snapshots merge by observation time: the latest observation (op 98 of the last worker) wins.
    expect(first.usage.fiveHour?.observedAt).toBe(98 * 10 + (WORKERS - 1));
    // The alias is the last rename some worker made.
    expect(reports.map((report) => report.lastAlias)).toContain(second.alias);
    // The stored refresh tokens are the newest, unspent ones.
    for (const account of [first, second]) {
      await expect(refreshTokens(sim.issuer, account.tokens.refreshToken)).resolves.toMatchObject({ accessToken: expect.any(String) as unknown });
    }
    expect(sim.counters.reuseEvents('acc1') + sim.counters.reuseEvents('acc2')).toBe(0);
  }, 300_000);
});
