import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StatusJsonSchema } from '../../src/cli/json-schemas.js';
import { extendCooldown, markReloginRequired, recordError } from '../../src/store/mutations.js';
import { createWorld, readJsonFile, runCli, type CliWorld } from './harness.js';
import { seedAccounts } from './seed.js';

let world: CliWorld;
let ids: Record<string, string>;
beforeEach(async () => {
  world = await createWorld({
    accounts: [
      { accountId: 'acct-work', email: 'work@example.test', plan: 'pro' },
      { accountId: 'acct-home', email: 'home@example.test', plan: 'plus' },
      { accountId: 'acct-old', email: 'old@example.test' },
    ],
  });
  ids = await seedAccounts(world, [
    { accountId: 'acct-work', alias: 'work' },
    { accountId: 'acct-home', alias: 'home' },
    { accountId: 'acct-old', alias: 'old' },
  ]);
});
afterEach(async () => {
  await world.close();
});

async function status() {
  const result = await runCli(world, ['status', '--json']);
  expect(result.code).toBe(0);
  return StatusJsonSchema.parse(JSON.parse(result.stdout));
}

describe('status and list', () => {
  it('shows each account with its state, usage bars and what to do, within 80 columns', async () => {
    const now = Date.now();
    await seedAccounts(world, [], (data) => {
      markReloginRequired(data, ids.old!, 'refresh_token_reused', now + 60_000);
      extendCooldown(data, ids.home!, now + 2 * 3_600_000, 'usage_limit_reached');
      data.accounts.find((account) => account.alias === 'work')!.usage.fiveHour = {
        usedPercent: 40,
        resetsAt: now + 3_600_000,
        observedAt: now,
        source: 'usage-endpoint',
      };
      recordError(data, ids.work!, 'stream ended without completion', now - 3 * 60_000);
    });
    const result = await runCli(world, ['list']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ALIAS\s+EMAIL\s+PLAN\s+STATE\s+LAST USED$/);
    expect(result.stdout).toMatch(/^work\s+work@example\.test\s+pro\s+active\s+never$/m);
    expect(result.stdout).toMatch(/^home\s+home@example\.test\s+plus\s+cooling down/m);
    expect(result.stdout.replace(/\s+/g, ' ')).toMatch(
      /! cooling down \(usage_limit_reached\) until \d\d:\d\d \S+, in (1 h 59 min|2 h); it comes back on its own, or run `opencode-multi-auth clear home`/,
    );
    expect(result.stdout).toMatch(/^old\s+old@example\.test\s+plus\s+sign-in needed/m);
    expect(result.stdout).toMatch(/5h ████░░░░░░ {2}40% resets \d\d:\d\d \S+, in (59 min|1 h)/);
    expect(result.stdout).toMatch(/^ {2}last error 3 min ago: stream ended without completion$/m);
    expect(result.stdout.replace(/\s+/g, ' ')).toContain('! new sign-in needed (refresh_token_reused): run `opencode-multi-auth login old`');
    expect(result.stdout).not.toContain('\u001b[');
    for (const line of lines) expect(Array.from(line).length).toBeLessThanOrEqual(80);

    const view = await status();
    expect(view.accounts.map((account) => [account.alias, account.state])).toEqual([
      ['work', 'active'],
      ['home', 'cooling-down'],
      ['old', 'relogin-required'],
    ]);
    expect(view.accounts[0]!.usage.fiveHour).toMatchObject({ usedPercent: 40 });
    expect(view.accounts[0]!.lastError).toEqual({ message: 'stream ended without completion', at: now - 3 * 60_000 });
    expect(view.accounts[1]!.lastError).toBeNull();
    expect(JSON.stringify(view)).not.toMatch(/eyJ/); // no JWT ever printed
  });

  it('colours only when NO_COLOR is unset and colour is forced', async () => {
    const coloured = await runCli(world, ['list'], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(coloured.stdout).toContain('\u001b[32mactive');
    const plain = await runCli(world, ['list'], { env: { FORCE_COLOR: '1' } });
    expect(plain.stdout).not.toContain('\u001b[');
  });

  it('says how to add the first account when the store is empty', async () => {
    await fs.rm(path.join(world.storeDir, 'accounts.json'));
    const result = await runCli(world, ['status']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No accounts yet.');
  });

  it('treats --watch with --json as bad usage', async () => {
    const result = await runCli(world, ['status', '--watch', '--json']);
    expect(result.code).toBe(2);
  });
});

describe('changing accounts', () => {
  it('disables and enables accounts', async () => {
    expect((await runCli(world, ['disable', 'home', 'old'])).stdout).toBe('home: disabled.\nold: disabled.\n');
    expect((await status()).accounts.map((account) => account.state)).toEqual(['active', 'disabled', 'disabled']);
    expect((await runCli(world, ['enable', 'home'])).code).toBe(0);
    expect((await status()).accounts.map((account) => account.enabled)).toEqual([true, true, false]);
  });

  it('pins for a while and unpins', async () => {
    const pinned = await runCli(world, ['pin', 'home', '--for', '2h']);
    expect(pinned.code).toBe(0);
    expect(pinned.stdout).toContain('Pinned to home for 2 h');
    const view = await status();
    expect(view.pin).toMatchObject({ accountId: ids.home, alias: 'home' });
    expect(view.pin!.until! - view.now).toBeGreaterThan(7_100_000);
    expect(view.accounts.find((account) => account.alias === 'home')!.pinned).toBe(true);
    expect((await runCli(world, ['list'])).stdout).toMatch(/^home\s.*active, pinned/m);
    expect((await runCli(world, ['unpin'])).stdout).toBe('Unpinned.\n');
    expect((await status()).pin).toBeNull();
    expect((await runCli(world, ['pin', 'home', '--for', 'soon'])).code).toBe(2);
  });

  it('renames, refusing an alias that is taken', async () => {
    expect((await runCli(world, ['rename', 'old', 'archive'])).code).toBe(0);
    const taken = await runCli(world, ['rename', 'archive', 'work']);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('The alias "work" is already used');
    expect((await status()).accounts.map((account) => account.alias)).toEqual(['work', 'home', 'archive']);
  });

  it('removes only after confirmation, or with --yes', async () => {
    const unasked = await runCli(world, ['remove', 'old']);
    expect(unasked.code).toBe(2);
    expect(unasked.stderr).toContain('Add --yes');
    expect((await status()).accounts).toHaveLength(3);
    const removed = await runCli(world, ['remove', 'old', '--yes']);
    expect(removed.code).toBe(0);
    expect((await status()).accounts.map((account) => account.alias)).toEqual(['work', 'home']);
  });

  it('fails with the known aliases when an alias does not exist', async () => {
    const result = await runCli(world, ['disable', 'nobody']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No account "nobody". Accounts: work, home, old.');
  });

  it('prints help with an example for every command', async () => {
    const commands = [
      'login',
      'import',
      'list',
      'status',
      'refresh',
      'enable',
      'disable',
      'clear',
      'pin',
      'unpin',
      'rename',
      'remove',
      'export',
      'dashboard',
      'doctor',
      'completion',
      'version',
    ];
    const results = await Promise.all(commands.map((command) => runCli(world, [command, '--help'])));
    for (const [index, result] of results.entries()) {
      expect(result.code, commands[index]).toBe(0);
      expect(result.stdout).toContain(`Usage: opencode-multi-auth ${commands[index]}`);
      expect(result.stdout).toMatch(/Examples?:\n {2}opencode-multi-auth /);
      for (const line of result.stdout.split('\n')) expect(Array.from(line).length).toBeLessThanOrEqual(80);
    }
    expect((await runCli(world, ['frobnicate'])).code).toBe(2);
    expect((await runCli(world, [])).code).toBe(2);
  });
});

describe('import codex', () => {
  it("adds the codex CLI's account, warns about the shared token and adds the OpenCode placeholder", async () => {
    await fs.rm(path.join(world.storeDir, 'accounts.json'));
    const tokens = world.sim.issueTokens('acct-work');
    const codexFile = path.join(world.home, 'codex-auth.json');
    await fs.writeFile(
      codexFile,
      JSON.stringify({
        tokens: { id_token: tokens.id_token, access_token: tokens.access_token, refresh_token: tokens.refresh_token, account_id: 'acct-work' },
      }),
    );
    const result = await runCli(world, ['import', 'codex', codexFile, '--alias', 'cx']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Imported cx (work@example.test) from the codex CLI.');
    expect(result.stderr).toContain('single-use');
    expect(await readJsonFile(world.openCodeAuthFile)).toEqual({ openai: { type: 'api', key: 'opencode-multi-auth-codex' } });
    expect((await status()).accounts).toMatchObject([{ alias: 'cx', origin: 'import-codex' }]);
    const missing = await runCli(world, ['import', 'codex', path.join(world.home, 'nope.json')]);
    expect(missing.code).toBe(1);
    const notAFile = await runCli(world, ['import', 'chrome']);
    expect(notAFile.code).toBe(1);
    expect(notAFile.stderr).toContain('No file');
    expect((await runCli(world, ['import', 'codex', 'a', 'b'])).code).toBe(2);
  });
});
