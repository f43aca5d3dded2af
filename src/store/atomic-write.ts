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

/**
 * {@link writeFileAtomic} without leaving the current turn of the event loop: nothing else of this
 * process runs between the first byte and the rename. For the one write that must not wait behind
 * anything (a refresh answer, whose old token is already spent); it blocks for about one fsync.
 */
export function writeFileAtomicSync(filePath: string, text: string, mode = 0o600): void {
  const temp = `${filePath}${TEMP_MARKER}${process.pid}-${randomUUID()}`;
  const fd = fs.openSync(temp, 'wx', mode);
  try {
    fs.writeFileSync(fd, text, 'utf8');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(temp, filePath);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
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
