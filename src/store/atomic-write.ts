import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Suffix of the temp files `writeFileAtomic` uses; a leftover one was abandoned by a killed writer. */
export const TEMP_MARKER = '.tmp-';

/**
 * Replaces `filePath` with `text` so that a reader (or a crash) sees either the old or the new
 * contents, never a mix: write a temp file beside it, fsync it, rename it over, fsync the directory.
 */
export async function writeFileAtomic(filePath: string, text: string, mode = 0o600): Promise<void> {
  const temp = `${filePath}${TEMP_MARKER}${process.pid}-${randomUUID()}`;
  const handle = await fs.promises.open(temp, 'wx', mode);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.promises.rename(temp, filePath);
  } catch (error) {
    await fs.promises.unlink(temp).catch(() => {});
    throw error;
  }
  await syncDirectory(path.dirname(filePath));
}

/** Makes the rename itself durable. Not every platform can open a directory; then the rename is as durable as it gets. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch {
    // Best effort (Windows, some container filesystems).
  } finally {
    await handle?.close().catch(() => {});
  }
}

/** Deletes temp files left by writers that were killed mid-write. Call only while holding the store lock. */
export async function removeAbandonedTempFiles(filePath: string): Promise<void> {
  const dir = path.dirname(filePath);
  const prefix = path.basename(filePath) + TEMP_MARKER;
  const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((name) => name.startsWith(prefix)).map((name) => fs.promises.unlink(path.join(dir, name)).catch(() => {})));
}
