import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreLockTimeoutError } from '../../src/store/errors.js';
import { isLockStale, withFileLock } from '../../src/store/file-lock.js';
import { removeDir, tempDir } from './factories.js';
import { runWorker } from './spawn-worker.js';

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => removeDir(dir));

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(result.stdout.toString());
}

const here = { host: 'h', isAlive: (pid: number) => pid === 1 };

describe('isLockStale', () => {
  it.each([
    { holder: { pid: 1, host: 'h', since: 1_000, nonce: 'n' }, ageMs: 0, now: 2_000, stale: false, why: 'live holder, recent' },
    { holder: { pid: 2, host: 'h', since: 1_000, nonce: 'n' }, ageMs: 0, now: 2_000, stale: true, why: 'dead holder on this host' },
    { holder: { pid: 2, host: 'other', since: 1_000, nonce: 'n' }, ageMs: 0, now: 2_000, stale: false, why: 'other host, recent' },
    { holder: { pid: 1, host: 'h', since: 1_000, nonce: 'n' }, ageMs: 0, now: 20_000, stale: true, why: 'live holder, too old' },
    { holder: undefined, ageMs: 100, now: 0, stale: false, why: 'unparseable, recent' },
    { holder: undefined, ageMs: 20_000, now: 0, stale: true, why: 'unparseable, old' },
  ])('$why → stale=$stale', ({ holder, ageMs, now, stale }) => {
    expect(isLockStale(holder, ageMs, now, 10_000, here)).toBe(stale);
  });
});

describe('withFileLock', () => {
  it('recovers a lock whose holder died', async () => {
    const lockPath = path.join(dir, 'x.lock');
    fs.writeFileSync(lockPath, JSON.stringify({ pid: deadPid(), host: os.hostname(), since: Date.now(), nonce: 'dead' }));
    const result = await withFileLock(lockPath, () => Promise.resolve('got it'), { staleMs: 600_000, timeoutMs: 10_000 });
    expect(result).toBe('got it');
    expect(fs.existsSync(lockPath)).toBe(false);
  });

  it('recovers a lock older than staleMs even if its holder looks alive', async () => {
    const lockPath = path.join(dir, 'x.lock');
    fs.writeFileSync(lockPath, JSON.stringify({ pid: process.pid, host: os.hostname(), since: Date.now() - 60_000, nonce: 'old' }));
    expect(await withFileLock(lockPath, () => Promise.resolve(1), { staleMs: 5_000, timeoutMs: 10_000 })).toBe(1);
  });

  it('times out on a live holder with an error naming the lock and the holder', async () => {
    const lockPath = path.join(dir, 'x.lock');
    fs.writeFileSync(lockPath, JSON.stringify({ pid: process.pid, host: os.hostname(), since: Date.now(), nonce: 'live' }));
    const error = await withFileLock(lockPath, () => Promise.resolve(1), { staleMs: 600_000, timeoutMs: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreLockTimeoutError);
    expect((error as StoreLockTimeoutError).lockPath).toBe(lockPath);
    expect((error as Error).message).toContain(String(process.pid));
    // The live holder's lock is left alone.
    expect((JSON.parse(fs.readFileSync(lockPath, 'utf8')) as { nonce: string }).nonce).toBe('live');
  });

  it('releases the lock when fn throws', async () => {
    const lockPath = path.join(dir, 'x.lock');
    await expect(withFileLock(lockPath, async () => Promise.reject(new Error('inner')), { staleMs: 1_000, timeoutMs: 1_000 })).rejects.toThrow('inner');
    expect(fs.existsSync(lockPath)).toBe(false);
  });

  it('excludes four processes from each other: no increment lost', async () => {
    const lockPath = path.join(dir, 'counter.lock');
    const counterPath = path.join(dir, 'counter');
    fs.writeFileSync(counterPath, '0');
    await Promise.all([1, 2, 3, 4].map(() => runWorker('lock-counter', [lockPath, counterPath, '40'])));
    expect(fs.readFileSync(counterPath, 'utf8')).toBe('160');
  }, 120_000);
});
