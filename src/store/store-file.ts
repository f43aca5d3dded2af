import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Stats as FileStats } from 'node:fs';
import { writeFileAtomic } from './atomic-write.js';
import { StoreUnreadableError } from './errors.js';
import { migrateStore } from './migrations.js';
import { StoreSchema, type StoreData } from './schema.js';

/** What identifies one version of the file cheaply: an atomic rename always brings a new inode. */
export interface FileSignature {
  mtimeMs: number;
  size: number;
  ino: number;
}

export function signatureOf(stat: FileStats): FileSignature {
  return { mtimeMs: stat.mtimeMs, size: stat.size, ino: stat.ino };
}

export function sameSignature(a: FileSignature | undefined, b: FileSignature | undefined): boolean {
  return !!a && !!b && a.mtimeMs === b.mtimeMs && a.size === b.size && a.ino === b.ino;
}

export type StoreFileRead =
  { exists: false } | { exists: true; data: StoreData; text: string; signature: FileSignature; migratedFrom?: number | 'unversioned' };

const lastGoodPath = (filePath: string) => `${filePath}.last-good`;
/** Named by a hash of the contents: one copy per distinct corrupt content, however often it is read. */
const corruptCopyPath = (filePath: string, text: string) => `${filePath}.corrupt-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;

/** Pure: parses the file's text into the current schema, or names the problem (without quoting the contents). */
function parseStoreText(text: string, now: number): { ok: true; data: StoreData; migratedFrom?: number | 'unversioned' } | { ok: false; problem: string } {
  if (text.trim() === '') return { ok: false, problem: 'the file is empty' };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    // The engine's message quotes the text around the error, which may be a token: report only where it broke.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    return {
      ok: false,
      problem: `it is not valid JSON (${text.length} bytes${position ? `, broken at byte ${position}` : ', possibly truncated'})`,
    };
  }
  const migrated = migrateStore(raw, now);
  if (!migrated.ok) return { ok: false, problem: migrated.problem };
  const parsed = StoreSchema.safeParse(migrated.value);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`)
      .join('; ');
    return { ok: false, problem: `it does not match the account store schema (${issues})` };
  }
  return {
    ok: true,
    data: parsed.data,
    ...(migrated.fromVersion === parsed.data.version ? {} : { migratedFrom: migrated.fromVersion }),
  };
}

/**
 * Reads and validates the store file. A missing file is reported as such. An unreadable one is
 * copied aside (the original is left exactly as it is) and a {@link StoreUnreadableError} is thrown,
 * offering the last-known-good copy if there is one.
 */
export async function readStoreFile(filePath: string, now: number): Promise<StoreFileRead> {
  let text: string;
  let stat: FileStats;
  try {
    // Read through one handle so the signature belongs to the text we read (the path may be replaced meanwhile).
    const handle = await fs.promises.open(filePath, 'r');
    try {
      stat = await handle.stat();
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { exists: false };
    throw new StoreUnreadableError({ filePath, problem: `it could not be opened (${code ?? String(error)})` });
  }
  const parsed = parseStoreText(text, now);
  if (parsed.ok) {
    return {
      exists: true,
      data: parsed.data,
      text,
      signature: signatureOf(stat),
      ...(parsed.migratedFrom !== undefined ? { migratedFrom: parsed.migratedFrom } : {}),
    };
  }
  const copiedTo = await copyAside(filePath, text);
  const lastKnownGood = await findLastKnownGood(filePath, now);
  throw new StoreUnreadableError({ filePath, problem: parsed.problem, copiedTo, lastKnownGood });
}

async function copyAside(filePath: string, text: string): Promise<string | undefined> {
  const target = corruptCopyPath(filePath, text);
  // The same contents were copied aside before (by this or another process): one copy is enough.
  if (
    await fs.promises.stat(target).then(
      () => true,
      () => false,
    )
  )
    return target;
  try {
    // Atomic, so a process killed mid-copy never leaves a truncated copy under the content's name.
    await writeFileAtomic(target, text, 0o600);
    return target;
  } catch {
    return undefined;
  }
}

async function findLastKnownGood(filePath: string, now: number): Promise<string | undefined> {
  const candidate = lastGoodPath(filePath);
  const text = await fs.promises.readFile(candidate, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  return parseStoreText(text, now).ok ? candidate : undefined;
}

/** Keeps `accounts.json.last-good` equal to contents known to read correctly. */
export async function saveLastKnownGood(filePath: string, text: string): Promise<void> {
  await writeFileAtomic(lastGoodPath(filePath), text, 0o600);
}
