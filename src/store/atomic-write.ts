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
export async function syncDirectory(dir: string): Promise<void> {
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

export interface AtomicWriteSyncOptions {
  /**
   * `fsync-then-rename` (default): the new contents are durable before anyone can see them.
   * `rename-then-fsync`: visible at once, durable a moment later. A process killed in between leaves
   * the full new contents (they are in the page cache); only a power cut in that moment can leave
   * the file empty or torn, so use it only where a reader treats such a file as "unknown" safely.
   */
  order?: 'fsync-then-rename' | 'rename-then-fsync';
  /** Also fsync the folder so the rename survives a power cut (default true). */
  syncFolder?: boolean;
}

/**
 * {@link writeFileAtomic} without leaving the current turn of the event loop: nothing else of this
 * process runs between the first byte and the rename. For the writes that must not wait behind
 * anything (a refresh answer, whose old token is already spent); it blocks for about one fsync.
 */
export function writeFileAtomicSync(filePath: string, text: string, mode = 0o600, options: AtomicWriteSyncOptions = {}): void {
  const temp = `${filePath}${TEMP_MARKER}${process.pid}-${randomUUID()}`;
  const renameFirst = options.order === 'rename-then-fsync';
  const fd = fs.openSync(temp, 'wx', mode);
  try {
    fs.writeFileSync(fd, text, 'utf8');
    if (!renameFirst) fs.fsyncSync(fd);
    try {
      fs.renameSync(temp, filePath);
    } catch (error) {
      fs.rmSync(temp, { force: true });
      throw error;
    }
    if (renameFirst) fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  if (options.syncFolder === false) return;
  let dirFd: number | undefined;
  try {
    dirFd = fs.openSync(path.dirname(filePath), 'r');
    fs.fsyncSync(dirFd);
  } catch {
    // Best effort, as in syncDirectory.
  } finally {
    if (dirFd !== undefined) fs.closeSync(dirFd);
  }
}
