import fs from 'node:fs';
import path from 'node:path';

/**
 * Temp files that writers leave behind when they are killed mid-write: the atomic-write temps of the
 * store, its last-good copy and the refresh journals, the lock files' private temps, and the asides
 * of a broken stale lock. Each lives for milliseconds in a healthy process.
 */
const ABANDONABLE: RegExp[] = [
  /^accounts\.json\.tmp-/,
  /^accounts\.json\.last-good\.tmp-/,
  /^accounts\.json\.lock\..+\.tmp$/,
  /^accounts\.json\.lock\.stale-/,
  // Written and renamed in one go by the usage lease and the dashboard's history, under no lock.
  /^usage-refresher\.lease\..+\.tmp$/,
  /^usage-history\.jsonl\.\d+\.tmp$/,
];
const ABANDONABLE_IN_LOCKS: RegExp[] = [/\.lock\..+\.tmp$/, /\.lock\.stale-/, /\.journal\.tmp-/];

/**
 * A temp file older than this cannot belong to a writer that still holds its lock: the longest lease
 * any lock here has is the refresh lease (twice the 30 s issuer timeout); the store lock's is 15 s.
 * A holder stuck that long has lost its lock to the next process anyway.
 */
export const TEMP_FILE_SWEEP_AGE_MS = 2 * 60_000;

/** Pure: is a directory entry a temp file abandoned by a killed writer (and old enough to be sure)? */
export function isAbandonedTempFile(name: string, inLocksDir: boolean, ageMs: number, sweepAgeMs = TEMP_FILE_SWEEP_AGE_MS): boolean {
  const patterns = inLocksDir ? ABANDONABLE_IN_LOCKS : ABANDONABLE;
  return ageMs > sweepAgeMs && patterns.some((pattern) => pattern.test(name));
}

/**
 * Deletes the abandoned temp files in the store folder and its `locks` folder. Only files older than
 * every lease are touched, so a live writer's temp file is never taken from under it; no lock is needed.
 * Returns the names removed.
 */
export async function sweepAbandonedTempFiles(storeDir: string, now = Date.now(), sweepAgeMs = TEMP_FILE_SWEEP_AGE_MS): Promise<string[]> {
  const removed: string[] = [];
  for (const [dir, inLocksDir] of [
    [storeDir, false],
    [path.join(storeDir, 'locks'), true],
  ] as const) {
    const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      if (!isAbandonedTempFile(name, inLocksDir, Infinity, 0)) continue;
      const file = path.join(dir, name);
      const stat = await fs.promises.lstat(file).catch(() => undefined);
      if (!stat?.isFile() || !isAbandonedTempFile(name, inLocksDir, now - stat.mtimeMs, sweepAgeMs)) continue;
      await fs.promises.unlink(file).then(
        () => removed.push(path.relative(storeDir, file)),
        () => {},
      );
    }
  }
  return removed;
}
