import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refreshFiles, sentJournal, writeJournal } from '../../src/tokens/refresh-journal.js';
import { createWorld, runCli, type CliWorld } from '../cli/harness.js';
import { seedAccounts } from '../cli/seed.js';

let world: CliWorld;
beforeEach(async () => {
  world = await createWorld({ accounts: [{ accountId: 'acc1' }, { accountId: 'acc2' }] });
});
afterEach(async () => {
  await world.close();
});

const storeFile = () => path.join(world.storeDir, 'accounts.json');
const corruptCopies = () => fs.readdirSync(world.storeDir).filter((name) => name.startsWith('accounts.json.corrupt-'));
const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

/** Sets a file's modification time `ageMs` into the past. */
function age(file: string, ageMs: number): void {
  const then = new Date(Date.now() - ageMs);
  fs.utimesSync(file, then, then);
}

describe('a corrupt store', () => {
  it('is copied aside once per distinct content, however many times the tool starts, and the copy is named', async () => {
    await seedAccounts(world, [{ accountId: 'acc1', alias: 'work' }]);
    fs.writeFileSync(storeFile(), '{"version": 1, "accounts": [ {"id": "x", ');
    for (let start = 0; start < 20; start++) {
      const { code, stderr } = await runCli(world, ['list']);
      expect(code).toBe(1);
      expect(corruptCopies()).toHaveLength(1);
      expect(stderr).toContain(path.join(world.storeDir, corruptCopies()[0]!));
    }
    expect(fs.readFileSync(path.join(world.storeDir, corruptCopies()[0]!), 'utf8')).toBe(fs.readFileSync(storeFile(), 'utf8'));
    expect(modeOf(path.join(world.storeDir, corruptCopies()[0]!))).toBe(0o600);

    // Different broken contents are a different copy; the same contents again are not.
    fs.writeFileSync(storeFile(), 'not json at all');
    await runCli(world, ['list']);
    await runCli(world, ['list']);
    expect(corruptCopies()).toHaveLength(2);
  }, 300_000);
});

describe('temp files left by killed writers', () => {
  it('are swept on the next start when older than any lease, while a live writer keeps its own', async () => {
    await seedAccounts(world, [{ accountId: 'acc1', alias: 'work' }]);
    const locks = path.join(world.storeDir, 'locks');
    fs.mkdirSync(locks, { recursive: true });
    const stale = [
      path.join(world.storeDir, 'accounts.json.tmp-4242-1b7c'),
      path.join(world.storeDir, 'accounts.json.last-good.tmp-4242-9f1e'),
      path.join(world.storeDir, 'accounts.json.lock.4242.5d0a.tmp'),
      path.join(locks, 'refresh-acc1-0123456789ab.lock.4242.77aa.tmp'),
      path.join(locks, 'refresh-acc1-0123456789ab.journal.tmp-4242-3c3c'),
    ];
    for (const file of stale) {
      fs.writeFileSync(file, '{"partial": ', { mode: 0o600 });
      age(file, 10 * 60_000);
    }

    // A live writer, mid-write: its temp file is fresh and it keeps writing to it.
    const liveTemp = path.join(world.storeDir, 'accounts.json.tmp-live-writer');
    const writer = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('fs'); const fd = fs.openSync(${JSON.stringify(liveTemp)}, 'w', 0o600); process.stdout.write('writing\\n'); setInterval(() => fs.writeSync(fd, '{}'), 50); setTimeout(() => process.exit(0), 60000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve) => writer.stdout.once('data', () => resolve()));
      const { code } = await runCli(world, ['list']);
      expect(code).toBe(0);
      for (const file of stale) expect(fs.existsSync(file), path.basename(file)).toBe(false);
      expect(fs.existsSync(liveTemp)).toBe(true);
      // And a later write by the tool does not take it either.
      expect((await runCli(world, ['rename', 'work', 'job'])).code).toBe(0);
      expect(fs.existsSync(liveTemp)).toBe(true);
    } finally {
      writer.kill('SIGKILL');
    }
  }, 120_000);
});

describe('store permissions', () => {
  it('tightens a 777 folder to 700 and its files to 600 on opening, and doctor says it had to', async () => {
    await seedAccounts(world, [{ accountId: 'acc1', alias: 'work' }]);
    fs.chmodSync(world.storeDir, 0o777);
    fs.chmodSync(storeFile(), 0o666);
    const { stdout } = await runCli(world, ['doctor', '--offline', '--json']);
    expect(modeOf(world.storeDir)).toBe(0o700);
    expect(modeOf(storeFile())).toBe(0o600);
    const checks = (JSON.parse(stdout) as { checks: Array<{ name: string; level: string; message: string }> }).checks;
    const note = checks.find((check) => check.name === 'store permissions')!;
    expect(note.level).toBe('warn');
    expect(note.message).toContain(`${world.storeDir} was mode 777; tightened to 700`);
    expect(note.message).toContain('was mode 666; tightened to 600');

    // Any command that opens the store does it, not only doctor; once tight, doctor is content.
    fs.chmodSync(world.storeDir, 0o755);
    expect((await runCli(world, ['list'])).code).toBe(0);
    expect(modeOf(world.storeDir)).toBe(0o700);
    const again = JSON.parse((await runCli(world, ['doctor', '--offline', '--json'])).stdout) as { checks: Array<{ name: string; level: string }> };
    expect(again.checks.find((check) => check.name === 'store permissions')!.level).toBe('ok');
  }, 120_000);
});

describe('an interrupted refresh', () => {
  /** Seeds two accounts and leaves a journal saying a process (long gone) sent work's refresh token and died. */
  async function interruptedWork(workTokenExpired: boolean) {
    const ids = await seedAccounts(
      world,
      [
        { accountId: 'acc1', alias: 'work' },
        { accountId: 'acc2', alias: 'home' },
      ],
      (data) => {
        if (workTokenExpired) data.accounts.find((account) => account.alias === 'work')!.tokens.expiresAt = Date.now() - 1_000;
      },
    );
    const data = JSON.parse(fs.readFileSync(storeFile(), 'utf8')) as { accounts: Array<{ id: string; tokens: { refreshToken: string } }> };
    const work = data.accounts.find((account) => account.id === ids.work)!;
    const { journal } = refreshFiles(path.join(world.storeDir, 'locks'), ids.work!);
    fs.mkdirSync(path.dirname(journal), { recursive: true });
    // pid 4194301 is above Linux's default pid_max: no such process.
    writeJournal(journal, { ...sentJournal(ids.work!, work.tokens.refreshToken, Date.now() - 5_000), pid: 4_194_301 });
    return { journal, workId: ids.work! };
  }

  const markOf = (id: string) =>
    (JSON.parse(fs.readFileSync(storeFile(), 'utf8')) as { accounts: Array<{ id: string; health: { reloginRequired?: { reason: string } } }> }).accounts.find(
      (account) => account.id === id,
    )!.health.reloginRequired;

  it('is named by doctor with what happened and what to do, and its token is not sent again', async () => {
    const { journal, workId } = await interruptedWork(false);
    const { stdout } = await runCli(world, ['doctor', '--offline', '--json']);
    const checks = (JSON.parse(stdout) as { checks: Array<{ name: string; level: string; message: string; fix: string | null }> }).checks;
    const named = checks.find((check) => check.name === 'account work' && check.message.includes('refresh interrupted'))!;
    expect(named.level).toBe('fail');
    expect(named.message).toContain('process 4194301');
    expect(named.message).toContain('sending it again would revoke the account');
    expect(named.fix).toBe('Run `opencode-multi-auth login work`.');
    expect(checks.some((check) => check.name === 'account home' && check.level === 'fail')).toBe(false);
    expect(markOf(workId)?.reason).toMatch(/^refresh interrupted/);
    expect(fs.existsSync(journal)).toBe(false);

    // A usage refresh may still read with the valid access token, but never lifts the mark or spends the token.
    expect((await runCli(world, ['refresh', '--all'])).code).toBe(0);
    expect(markOf(workId)?.reason).toMatch(/^refresh interrupted/);
    expect(world.sim.counters.requests('token', 'acc1')).toBe(0);
  }, 120_000);

  it('stops `refresh --all` from spending the token when the access token has expired, and says what to do', async () => {
    const { journal, workId } = await interruptedWork(true);
    const refresh = await runCli(world, ['refresh', '--all']);
    const said = refresh.stdout + refresh.stderr;
    expect(said).toContain('refresh interrupted');
    expect(said).toMatch(/login/);
    expect(world.sim.counters.requests('token', 'acc1')).toBe(0);
    expect(world.sim.counters.reuseEvents('acc1')).toBe(0);
    expect(markOf(workId)?.reason).toMatch(/^refresh interrupted/);
    expect(fs.existsSync(journal)).toBe(false);
    const doctor = JSON.parse((await runCli(world, ['doctor', '--offline', '--json'])).stdout) as {
      checks: Array<{ name: string; level: string; message: string }>;
    };
    expect(doctor.checks.find((check) => check.name === 'account work')!.message).toContain('refresh interrupted');
  }, 120_000);
});
