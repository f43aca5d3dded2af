import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StatusJsonSchema } from '../../src/cli/json-schemas.js';
import { AccountStore } from '../../src/store/account-store.js';
import { createWorld, flat, readJsonFile, runCli, type CliWorld } from './harness.js';
import { seedAccounts } from './seed.js';

let world: CliWorld;
beforeEach(async () => {
  world = await createWorld({
    accounts: [
      { accountId: 'acct-work', email: 'work@example.test', plan: 'pro' },
      { accountId: 'acct-home', email: 'home@example.test', plan: 'plus' },
    ],
  });
  await seedAccounts(world, [
    { accountId: 'acct-work', alias: 'work' },
    { accountId: 'acct-home', alias: 'home' },
  ]);
});
afterEach(async () => {
  await world.close();
});

async function storedTokens(storeDir = world.storeDir): Promise<Record<string, string>> {
  const store = new AccountStore({ dir: storeDir });
  const data = await store.load();
  await store.close();
  return Object.fromEntries(data.accounts.map((account) => [account.alias, account.tokens.refreshToken]));
}

describe('export and import of the whole store', () => {
  it('exports to a 0600 file with a credentials warning, never over an existing file', async () => {
    const file = path.join(world.home, 'backup.json');
    const result = await runCli(world, ['export', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Exported 2 accounts (work, home) to ${file}.`);
    expect(flat(result.stderr)).toContain("this file holds the accounts' tokens: anyone who has it can use them");
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(await readJsonFile(file)).toMatchObject({
      format: 'opencode-multi-auth-codex/accounts',
      version: 1,
      accounts: [{ alias: 'work' }, { alias: 'home' }],
    });
    const again = await runCli(world, ['export', file]);
    expect(again.code).toBe(1);
    expect(flat(again.stderr)).toContain('already exists; nothing was written');
    expect((await runCli(world, ['export', file, '--force'])).code).toBe(0);
  });

  it('moves the accounts to a new machine; --dry-run writes nothing; newer tokens are never overwritten', async () => {
    const file = path.join(world.home, 'backup.json');
    expect((await runCli(world, ['export', file])).code).toBe(0);
    const exported = await storedTokens();

    // A new machine: an empty store.
    const newStore = path.join(world.home, 'new-machine');
    const env = { OPENCODE_MULTI_AUTH_STORE_DIR: newStore };
    const dry = await runCli(world, ['import', file, '--dry-run'], { env });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Dry run: nothing is written.');
    expect(dry.stdout).toContain('work: would be added');
    await expect(fs.stat(newStore)).rejects.toThrow();

    const real = await runCli(world, ['import', file], { env });
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(/work: added\n {2}home: added/);
    expect(await storedTokens(newStore)).toEqual(exported);

    // Here, work's token rotates after the export: importing the old backup must keep the newer one.
    const rotated = world.sim.issueTokens('acct-work');
    await seedAccounts(world, [], (data) => {
      const work = data.accounts.find((account) => account.alias === 'work')!;
      work.tokens = { ...work.tokens, refreshToken: rotated.refresh_token, accessToken: rotated.access_token, obtainedAt: Date.now() + 1_000 };
    });
    const back = await runCli(world, ['import', file]);
    expect(back.code).toBe(0);
    expect(back.stdout).toContain('work: kept (the tokens here are as new or newer)');
    expect((await storedTokens()).work).toBe(rotated.refresh_token);
  });

  it('refuses a file that is not an export, naming the problem and not its contents', async () => {
    const file = path.join(world.home, 'other.json');
    await fs.writeFile(file, JSON.stringify({ tokens: { refresh_token: 'rt-secret' } }));
    const result = await runCli(world, ['import', file]);
    expect(result.code).toBe(1);
    expect(flat(result.stderr)).toContain('it is not an export of opencode-multi-auth');
    expect(result.stderr).not.toContain('rt-secret');
  });
});

describe('import codex', () => {
  it('refuses tokens older than the stored ones (no silent downgrade, no rename); --force replaces them with a warning', async () => {
    // The codex CLI holds tokens issued an hour ago; the store has a sign-in from now.
    const old = world.sim.issueTokens('acct-work');
    const codexFile = path.join(world.home, 'codex-auth.json');
    await fs.writeFile(
      codexFile,
      JSON.stringify({
        last_refresh: new Date(Date.now() - 3_600_000).toISOString(),
        tokens: { id_token: old.id_token, access_token: old.access_token, refresh_token: old.refresh_token, account_id: 'acct-work' },
      }),
    );
    await fs.utimes(codexFile, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    const fresh = world.sim.issueTokens('acct-work');
    await seedAccounts(world, [], (data) => {
      const work = data.accounts.find((account) => account.alias === 'work')!;
      work.tokens = { ...work.tokens, refreshToken: fresh.refresh_token, accessToken: fresh.access_token, obtainedAt: Date.now() };
    });
    const before = await fs.readFile(path.join(world.storeDir, 'accounts.json'), 'utf8');

    const refused = await runCli(world, ['import', 'codex', codexFile, '--alias', 'team2']);
    expect(refused.code).toBe(1);
    expect(flat(refused.stderr)).toContain('older than the ones stored for "work"');
    expect(flat(refused.stderr)).toContain('Nothing was changed');
    expect(flat(refused.stderr)).toContain('run the same command with --force');
    expect(await fs.readFile(path.join(world.storeDir, 'accounts.json'), 'utf8')).toBe(before);

    const forced = await runCli(world, ['import', 'codex', codexFile, '--alias', 'team2', '--force']);
    expect(forced.code).toBe(0);
    expect(flat(forced.stderr)).toContain('--force replaced newer tokens with older ones');
    expect(flat(forced.stderr)).toContain('`opencode-multi-auth rename work team2`');
    const view = StatusJsonSchema.parse(JSON.parse((await runCli(world, ['status', '--json'])).stdout));
    expect(view.accounts.map((account) => account.alias)).toEqual(['work', 'home']);
    expect((await storedTokens()).work).toBe(old.refresh_token);
  });
});
