import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountStore } from '../../src/store/account-store.js';
import { upsertAccount } from '../../src/store/mutations.js';
import { readStoreFile } from '../../src/store/store-file.js';
import { makeAccount, removeDir, tempDir } from './factories.js';
import { spawnWorker, waitForExit, waitForOutput } from './spawn-worker.js';

const KILLS = 100;
const ACCOUNTS = 5;

let root: string;
beforeAll(() => {
  root = tempDir();
});
afterAll(() => removeDir(root));

describe('a writer killed with SIGKILL at random moments', () => {
  it(`leaves a valid store with every account, ${KILLS} times over`, async () => {
    const dir = path.join(root, 'store');
    const seed = new AccountStore({ dir });
    await seed.update((data) => {
      for (let n = 1; n <= ACCOUNTS; n++) upsertAccount(data, makeAccount(n));
    });
    const ids = seed
      .peek()
      .accounts.map((account) => account.id)
      .sort();
    const readStore = async () => {
      const read = await readStoreFile(path.join(dir, 'accounts.json'), Date.now());
      if (!read.exists) throw new Error('the store file disappeared');
      return read.data;
    };

    // Four lanes kill writers side by side (and into each other's locks); 100 kills in all.
    const lane = async (kills: number) => {
      let lastRequests = 0;
      for (let kill = 0; kill < kills; kill++) {
        const child = spawnWorker('store-writer', [dir]);
        await waitForOutput(child, 'ready');
        // Random moment: anywhere from right after the first write to dozens of writes later.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 25));
        child.kill('SIGKILL');
        await waitForExit(child);

        const data = await readStore();
        expect(data.accounts.map((account) => account.id).sort()).toEqual(ids);
        expect(new Set(data.accounts.map((account) => account.alias)).size).toBe(ACCOUNTS);
        // Progress is never lost: every "ready" follows a durable write.
        const requests = data.accounts.reduce((sum, account) => sum + account.stats.requests, 0);
        expect(requests).toBeGreaterThanOrEqual(lastRequests);
        lastRequests = requests;
      }
    };
    await Promise.all([lane(KILLS / 4), lane(KILLS / 4), lane(KILLS / 4), lane(KILLS / 4)]);
    const final = await readStore();
    expect(final.accounts.reduce((sum, account) => sum + account.stats.requests, 0)).toBeGreaterThan(0);
    // Killed writers' temp files are swept by the next process to open the store once they are older
    // than any lease (a younger one may still be a live writer's): age them, open the store, all gone.
    const temps = () => fs.readdirSync(dir).filter((name) => /^accounts\.json\.(last-good\.)?tmp-|^accounts\.json\.lock\..*\.tmp$/.test(name));
    const longAgo = new Date(Date.now() - 10 * 60_000);
    const aged = temps();
    for (const name of aged) fs.utimesSync(path.join(dir, name), longAgo, longAgo);
    const reopened = new AccountStore({ dir });
    await reopened.load();
    // (close: opening also refreshes the last-good copy in the background, through a temp file of its own)
    await reopened.close();
    expect(temps()).toEqual([]);
    expect([...reopened.sweptTempFiles].sort()).toEqual([...aged].sort());
  }, 600_000);
});
