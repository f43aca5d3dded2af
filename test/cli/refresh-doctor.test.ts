import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DoctorJsonSchema, RefreshJsonSchema, StatusJsonSchema } from '../../src/cli/json-schemas.js';
import { markReloginRequired, recordError } from '../../src/store/mutations.js';
import { createWorld, runCli, type CliWorld } from './harness.js';
import { seedAccounts } from './seed.js';

let world: CliWorld;
let ids: Record<string, string>;
beforeEach(async () => {
  world = await createWorld({
    accounts: [
      { accountId: 'acct-work', email: 'work@example.test', fiveHourUsedPercent: 40, weeklyUsedPercent: 10 },
      { accountId: 'acct-home', email: 'home@example.test', fiveHourUsedPercent: 75 },
    ],
  });
  ids = await seedAccounts(world, [
    { accountId: 'acct-work', alias: 'work' },
    { accountId: 'acct-home', alias: 'home' },
  ]);
});
afterEach(async () => {
  await world.close();
});

async function status() {
  const result = await runCli(world, ['status', '--json']);
  return StatusJsonSchema.parse(JSON.parse(result.stdout));
}

describe('refresh', () => {
  it('fetches usage for every account through the queue and stores it', async () => {
    const result = await runCli(world, ['refresh', '--all']);
    expect(result.code).toBe(0);
    // Not a terminal: one plain line per account, no progress bar redraws.
    expect(result.stdout.split('\n').filter(Boolean).sort()).toEqual(['home: done', 'work: done']);
    expect(result.stdout).not.toContain('\u001b[');
    const view = await status();
    expect(view.accounts.map((account) => [account.alias, account.usage.fiveHour?.usedPercent, account.usage.weekly?.usedPercent])).toEqual([
      ['work', 40, 10],
      ['home', 75, 0],
    ]);
  });

  it('prints the results as JSON and exits 1 when one failed', async () => {
    world.sim.revokeAccountTokens('acct-home');
    await seedAccounts(world, [], (data) => {
      // Force the home account to need a token refresh, which the revoked token cannot get.
      data.accounts.find((account) => account.alias === 'home')!.tokens.expiresAt = Date.now() - 1_000;
    });
    const result = await runCli(world, ['refresh', 'work', 'home', '--json']);
    expect(result.code).toBe(1);
    const json = RefreshJsonSchema.parse(JSON.parse(result.stdout));
    expect(json.results.find((entry) => entry.alias === 'work')!.outcome).toBe('done');
    expect(json.results.find((entry) => entry.alias === 'home')!.outcome).toBe('failed');
  });

  it('refuses aliases together with --all', async () => {
    expect((await runCli(world, ['refresh', 'work', '--all'])).code).toBe(2);
  });
});

describe('doctor', () => {
  async function writeOpenCodeSetup(plugin: unknown[]) {
    await fs.mkdir(world.openCodeConfigDir, { recursive: true });
    await fs.writeFile(path.join(world.openCodeConfigDir, 'opencode.jsonc'), `{\n  // mine\n  "plugin": ${JSON.stringify(plugin)},\n}\n`);
    await fs.mkdir(path.dirname(world.openCodeAuthFile), { recursive: true });
    await fs.writeFile(world.openCodeAuthFile, JSON.stringify({ openai: { type: 'api', key: 'opencode-multi-auth-codex' } }));
  }

  it('passes when OpenCode loads the plugin, has the record, and the usage endpoint answers', async () => {
    await writeOpenCodeSetup([[pathToFileURL(path.resolve('dist/index.js')).href, {}]]);
    const result = await runCli(world, ['doctor', '--json']);
    const json = DoctorJsonSchema.parse(JSON.parse(result.stdout));
    const byName = Object.fromEntries(json.checks.map((check) => [check.name, check]));
    expect(byName.plugin).toMatchObject({ level: 'ok', message: expect.stringContaining('exists and exports the plugin') as unknown });
    expect(byName['opencode auth']).toMatchObject({ level: 'ok' });
    expect(byName['usage endpoint']!.message).toContain('/codex/usage answers');
    expect(byName.store).toMatchObject({ level: 'ok' });
    expect(byName['opencode fetch']).toMatchObject({ level: 'ok' });
    expect(json.checks.filter((check) => check.level !== 'ok')).toEqual([]);
    expect(json).toMatchObject({ ok: true, verdict: 'ok' });
    expect(result.code).toBe(0);
  });

  it('says what to do when the plugin is not loaded, the record is missing and an account needs a sign-in', async () => {
    await fs.mkdir(world.openCodeConfigDir, { recursive: true });
    await fs.writeFile(path.join(world.openCodeConfigDir, 'opencode.json'), JSON.stringify({ plugin: ['some-other-plugin'] }));
    await seedAccounts(world, [], (data) => markReloginRequired(data, ids.home!, 'refresh_token_expired', Date.now() + 60_000));
    world.sim.setUsageRoute('codex', '403-json');
    const result = await runCli(world, ['doctor']);
    expect(result.code).toBe(1);
    const text = result.stdout.replace(/\s+/g, ' ');
    expect(text).toMatch(
      /FAIL opencode config: The plugin is not in the "plugin" list of \S+opencode\.json\. -> Add the plugin to the "plugin" list in \S+opencode\.json/,
    );
    expect(text).toMatch(/FAIL opencode auth: .* has no "openai" record.* -> Run `opencode-multi-auth login`/);
    expect(text).toMatch(/FAIL account home: .*refresh_token_expired.* -> new sign-in needed \(refresh_token_expired\): run `opencode-multi-auth login home`/);
    expect(text).not.toContain('Everything needed is in place');
    for (const line of result.stdout.split('\n')) expect(Array.from(line).length, line).toBeLessThanOrEqual(80);
    expect(text).toContain('/wham/usage answers');
  });

  it.each(['1', 'true', 'ON'])('warns that OPENCODE_EXPERIMENTAL_NATIVE_LLM=%s keeps OpenCode from calling the plugin at all', async (value) => {
    await writeOpenCodeSetup(['opencode-multi-auth-codex']);
    const result = await runCli(world, ['doctor', '--json', '--offline'], { env: { OPENCODE_EXPERIMENTAL_NATIVE_LLM: value } });
    const check = DoctorJsonSchema.parse(JSON.parse(result.stdout)).checks.find((entry) => entry.name === 'opencode fetch')!;
    expect(check.level).toBe('warn');
    expect(check.message).toContain(`OPENCODE_EXPERIMENTAL_NATIVE_LLM=${value} is set`);
    expect(check.message).toContain("never calls the plugin's fetch");
    expect(check.fix).toContain('Unset OPENCODE_EXPERIMENTAL_NATIVE_LLM');
  });

  it('stays quiet about OPENCODE_EXPERIMENTAL_NATIVE_LLM=0', async () => {
    await writeOpenCodeSetup(['opencode-multi-auth-codex']);
    const result = await runCli(world, ['doctor', '--json', '--offline'], { env: { OPENCODE_EXPERIMENTAL_NATIVE_LLM: '0' } });
    expect(DoctorJsonSchema.parse(JSON.parse(result.stdout)).checks.find((entry) => entry.name === 'opencode fetch')!.level).toBe('ok');
  });

  it("shows each account's last error, the reason it was last passed over", async () => {
    await writeOpenCodeSetup([['opencode-multi-auth-codex@0.1.0', {}]]);
    await seedAccounts(world, [], (data) => recordError(data, ids.work!, 'timed out: no first event within 20 s', Date.now() - 5 * 60_000));
    const result = await runCli(world, ['doctor', '--offline']);
    expect(result.stdout).toMatch(/^ok {4}account work: last error 5 min ago: timed out: no first event within 20 s$/m);
    expect(result.stdout).not.toContain('account home');
    expect(result.code).toBe(0);
  });
});
