import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { z } from 'zod';
import { StoreLockTimeoutError } from './errors.js';

export interface FileLockOptions {
  /** A lock older than this is taken to be abandoned even if its holder looks alive. */
  staleMs: number;
  /** Give up waiting after this long with a {@link StoreLockTimeoutError}. */
  timeoutMs: number;
}

const HolderSchema = z.object({ pid: z.number().int(), host: z.string(), since: z.number(), nonce: z.string() });
type Holder = z.infer<typeof HolderSchema>;

/** Whether a process with this pid exists on this machine. EPERM means it exists but is not ours. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Pure: is the lock described by `holder` (or a lock file of age `ageMs` we could not parse) abandoned? */
export function isLockStale(
  holder: Holder | undefined,
  ageMs: number,
  now: number,
  staleMs: number,
  here: { host: string; isAlive: (pid: number) => boolean },
): boolean {
  if (!holder) return ageMs > staleMs;
  if (holder.host === here.host && !here.isAlive(holder.pid)) return true;
  return now - holder.since > staleMs;
}

async function readHolder(lockPath: string): Promise<{ text: string; holder?: Holder; ageMs: number } | undefined> {
  try {
    const [text, stat] = await Promise.all([fs.promises.readFile(lockPath, 'utf8'), fs.promises.stat(lockPath)]);
    let holder: Holder | undefined;
    try {
      const parsed = HolderSchema.safeParse(JSON.parse(text));
      if (parsed.success) holder = parsed.data;
    } catch {
      holder = undefined;
    }
    return { text, holder, ageMs: Date.now() - stat.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Creates the lock file with its full contents in one step: the contents go to a private temp file
 * which is then hard-linked to the lock path (link fails if the path exists). Nobody ever sees a
 * half-written lock, so a holder killed at any moment leaves either no lock or a lock naming its pid.
 */
async function tryCreate(lockPath: string, text: string): Promise<boolean> {
  const temp = `${lockPath}.${process.pid}.${randomUUID()}.tmp`;
  await fs.promises.writeFile(temp, text, { mode: 0o600 });
  try {
    await fs.promises.link(temp, lockPath);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
    // A filesystem without hard links: fall back to O_EXCL (a crash mid-write leaves an empty lock, aged out by staleMs).
    try {
      await fs.promises.writeFile(lockPath, text, { flag: 'wx', mode: 0o600 });
      return true;
    } catch (fallbackError) {
      if ((fallbackError as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw fallbackError;
    }
  } finally {
    await fs.promises.unlink(temp).catch(() => {});
  }
}

/**
 * Removes an abandoned lock without ever removing a live one: the lock is renamed away (atomic), and
 * if what we renamed is not the abandoned lock we judged (someone took the lock in between) it is
 * linked back.
 */
async function breakStaleLock(lockPath: string, judgedText: string): Promise<void> {
  const aside = `${lockPath}.stale-${process.pid}-${randomUUID()}`;
  try {
    await fs.promises.rename(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const taken = await fs.promises.readFile(aside, 'utf8').catch(() => judgedText);
  if (taken !== judgedText) await fs.promises.link(aside, lockPath).catch(() => {});
  await fs.promises.unlink(aside).catch(() => {});
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` while holding an exclusive lock file shared by every process on this machine (and any
 * that share the directory). The lock names its holder (pid, host, time); a holder that died, or a
 * lock older than `staleMs`, is recovered. Not re-entrant.
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, options: FileLockOptions): Promise<T> {
  const host = os.hostname();
  const started = Date.now();
  let delay = 2;
  let lastHolder: Holder | undefined;
  const nonce = randomUUID();
  for (;;) {
    const mine = JSON.stringify({ pid: process.pid, host, since: Date.now(), nonce });
    if (await tryCreate(lockPath, mine)) {
      try {
        return await fn();
      } finally {
        await release(lockPath, nonce);
      }
    }
    const current = await readHolder(lockPath);
    if (current) {
      lastHolder = current.holder;
      if (isLockStale(current.holder, current.ageMs, Date.now(), options.staleMs, { host, isAlive: isProcessAlive })) {
        await breakStaleLock(lockPath, current.text);
        continue;
      }
    }
    if (Date.now() - started > options.timeoutMs) {
      throw new StoreLockTimeoutError(lockPath, Date.now() - started, lastHolder);
    }
    // Jitter keeps waiting processes from retrying in lockstep.
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 50);
  }
}

/** Removes the lock only if it is still ours: it may have been judged stale and taken by another. */
async function release(lockPath: string, nonce: string): Promise<void> {
  const current = await readHolder(lockPath).catch(() => undefined);
  if (current?.holder?.nonce === nonce) await fs.promises.unlink(lockPath).catch(() => {});
}
