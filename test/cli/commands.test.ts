import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StatusJsonSchema } from '../../src/cli/json-schemas.js';
import { QUOTA_COOLDOWN_REASON } from '../../src/store/cooldown-reasons.js';
import { extendCooldown, markReloginRequired } from '../../src/store/mutations.js';
import { CLI_MAIN, createWorld, flat, runCli, type CliWorld } from './harness.js';
import { seedAccounts } from './seed.js';

const exec = promisify(execFile);

let world: CliWorld;
let ids: Record<string, string>;
beforeEach(async () => {
  world = await createWorld({
    accounts: [
      { accountId: 'acct-work', email: 'work@example.test', plan: 'pro' },
      { accountId: 'acct-home', email: 'home@example.test', plan: 'plus' },
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
  expect(result.code).toBe(0);
  return StatusJsonSchema.parse(JSON.parse(result.stdout));
}

async function storeFiles(): Promise<string[]> {
  return (await fs.readdir(world.storeDir)).sort();
}

describe('version, did you mean, completion', () => {
  it('prints the version with --version, -V and version', async () => {
    const manifest = JSON.parse(await fs.readFile(path.resolve('package.json'), 'utf8')) as { version: string };
    for (const args of [['--version'], ['-V'], ['version']]) {
      const result = await runCli(world, args);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${manifest.version}\n`);
    }
  });

  it.each([
    [['lsit'], 'Unknown command "lsit". Did you mean list?'],
    [['stauts', '--json'], 'Did you mean status?'],
    [['login', '--alias', 'team'], "Unknown option '--alias' for login."],
    [['status', '--jsno'], "Unknown option '--jsno' for status. Did you mean --json?"],
    [['pin', 'work', '--fro', '2h'], 'Did you mean --for?'],
  ])('%j: %s (exit 2)', async (args, text) => {
    const result = await runCli(world, args);
    expect(result.code).toBe(2);
    expect(flat(result.stderr)).toContain(text);
  });

  it('names a mistyped setting, with a did you mean', async () => {
    const result = await runCli(world, ['list'], { env: { OPENCODE_MULTI_AUTH_STRATEGI: 'sticky' } });
    expect(result.code).toBe(2);
    expect(flat(result.stderr)).toContain('Did you mean OPENCODE_MULTI_AUTH_STRATEGY?');
  });

  it('prints completion scripts that the shells accept, with every command', async () => {
    for (const shell of ['bash', 'zsh', 'fish']) {
      const result = await runCli(world, ['completion', shell]);
      expect(result.code, shell).toBe(0);
      for (const command of ['login', 'clear', 'export', 'completion', 'version']) expect(result.stdout, shell).toContain(command);
    }
    const bash = (await runCli(world, ['completion', 'bash'])).stdout;
    const script = path.join(world.home, 'completion.bash');
    await fs.writeFile(script, bash);
    // bash parses it, and completing `opencode-multi-auth cl` offers clear.
    const { stdout } = await exec(
      'bash',
      ['-c', `source ${script}; COMP_WORDS=(opencode-multi-auth cl); COMP_CWORD=1; _opencode_multi_auth; echo "\${COMPREPLY[@]}"`],
      { timeout: 10_000 },
    );
    expect(stdout.trim()).toBe('clear');
    expect((await runCli(world, ['completion', 'powershell'])).code).toBe(2);
  });
});

describe('clear', () => {
  it('ends a cooldown by hand and says what it was; a needed sign-in stays', async () => {
    const now = Date.now();
    await seedAccounts(world, [], (data) => {
      extendCooldown(data, ids.work!, now + 3 * 3_600_000, QUOTA_COOLDOWN_REASON, now);
      markReloginRequired(data, ids.home!, 'refresh_token_reused', now + 60_000);
    });
    expect((await status()).accounts.map((account) => account.state)).toEqual(['cooling-down', 'relogin-required']);
    const result = await runCli(world, ['clear', 'work', 'home']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/work: cleared \(was cooling down \(usage limit reached\) until \d\d:\d\d \S+, in (2 h 59 min|3 h)\)\./);
    expect(result.stdout).toContain('home: nothing to clear.');
    expect(flat(result.stderr)).toContain('home still needs a new sign-in: run `opencode-multi-auth login home`.');
    expect((await status()).accounts.map((account) => account.state)).toEqual(['active', 'relogin-required']);
  });

  it('lets a refresh that shows headroom end a quota cooldown that began before it', async () => {
    const now = Date.now();
    await seedAccounts(world, [], (data) => extendCooldown(data, ids.work!, now + 3 * 3_600_000, QUOTA_COOLDOWN_REASON, now - 60_000));
    const result = await runCli(world, ['refresh', 'work']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('work: cooldown ended (the usage shows headroom).');
    const work = (await status()).accounts[0]!;
    expect(work).toMatchObject({ alias: 'work', state: 'active' });
    expect(work.usage.fiveHour!.usedPercent).toBeLessThan(100);
  });
});

describe('pin', () => {
  it('warns when pinning an account that cannot serve: the pin never falls back', async () => {
    const now = Date.now();
    await seedAccounts(world, [], (data) => extendCooldown(data, ids.work!, now + 3_600_000, QUOTA_COOLDOWN_REASON, now));
    const result = await runCli(world, ['pin', 'work', '--for', '2h']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Pinned to work for 2 h \(until \d\d:\d\d \S+, in 2 h\)\./);
    expect(flat(result.stderr)).toMatch(
      /Warning: work is cooling down \(usage limit reached\) until .*`opencode-multi-auth clear work`\. The pin never falls back/,
    );
    for (const line of result.stderr.split('\n')) expect(Array.from(line).length, line).toBeLessThanOrEqual(80);
    const help = await runCli(world, ['pin', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('A pin never falls back to the other accounts');
  });

  it('says a zero --for pins for no time at all, rather than "not a duration"', async () => {
    const result = await runCli(world, ['pin', 'work', '--for', '0s']);
    expect(result.code).toBe(2);
    expect(flat(result.stderr)).toContain('--for 0s pins for no time at all');
  });
});

describe('aliases', () => {
  it('applies the one rule to rename, unique ignoring case', async () => {
    const taken = await runCli(world, ['rename', 'home', 'WORK']);
    expect(taken.code).toBe(1);
    expect(flat(taken.stderr)).toContain('already used by account work');
    for (const bad of ['   ', 'bad alias!', '']) {
      const result = await runCli(world, ['rename', 'home', bad]);
      expect(result.code, bad).toBe(2);
      expect(flat(result.stderr)).toContain('Not a usable alias');
    }
    expect((await runCli(world, ['rename', 'home', ' Home '])).code).toBe(0);
    expect((await status()).accounts.map((account) => account.alias)).toEqual(['work', 'Home']);
    expect((await runCli(world, ['disable', 'HOME'])).code).toBe(0);
  });
});

describe('read-only commands and closed pipes', () => {
  it('writes nothing for list, status and doctor --offline, not even the last-good copy', async () => {
    const before = await storeFiles();
    const mtimes = async () => Promise.all(before.map(async (name) => (await fs.stat(path.join(world.storeDir, name))).mtimeMs));
    const times = await mtimes();
    // The seeding write made a last-good copy of an older text: a reader that refreshed it would change it now.
    await fs.rm(path.join(world.storeDir, 'accounts.json.last-good'), { force: true });
    const withoutCopy = await storeFiles();
    for (const args of [['list'], ['status', '--json'], ['doctor', '--offline']]) expect((await runCli(world, args)).code, args.join(' ')).not.toBe(2);
    expect(await storeFiles()).toEqual(withoutCopy);
    expect((await fs.stat(path.join(world.storeDir, 'accounts.json'))).mtimeMs).toBe(times[before.indexOf('accounts.json')]);
  });

  it('ends quietly when the reader goes away (list | head -1), leaving no temp file', { timeout: 120_000 }, async () => {
    const env = { ...world.env, PATH: process.env.PATH };
    const commands = ['list', 'list', 'list', 'doctor --offline', 'completion zsh', 'completion fish'];
    for (const command of commands) {
      const { stdout, stderr } = await exec('sh', ['-c', `"${process.execPath}" "${CLI_MAIN}" ${command} | head -1`], { env, timeout: 60_000 });
      expect(stderr, command).toBe('');
      expect(stdout.trimEnd().split('\n'), command).toHaveLength(1);
    }
    expect((await storeFiles()).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });
});
