import fs from 'node:fs';
import path from 'node:path';

/** One permission the store had to tighten (or could not). Modes are the permission bits, e.g. 0o777. */
export interface PermissionFix {
  path: string;
  from: number;
  to: number;
  /** Set when chmod failed (another owner, a read-only filesystem): the loose mode is still there. */
  error?: string;
}

/** Pure: the mode a store folder (0700) or file (0600) should have, or undefined when it is tight enough. */
export function tightenedMode(mode: number, isDirectory: boolean): number | undefined {
  const bits = mode & 0o777;
  if ((bits & 0o077) === 0) return undefined;
  return isDirectory ? 0o700 : 0o600;
}

export const formatMode = (mode: number) => mode.toString(8).padStart(3, '0');

/** Pure: the sentence `doctor` and the log use for a fix. */
export function describePermissionFix(fix: PermissionFix): string {
  return fix.error
    ? `${fix.path} is mode ${formatMode(fix.from)} and could not be tightened to ${formatMode(fix.to)} (${fix.error})`
    : `${fix.path} was mode ${formatMode(fix.from)}; tightened to ${formatMode(fix.to)}`;
}

async function tighten(target: string, fixes: PermissionFix[]): Promise<void> {
  const stat = await fs.promises.lstat(target).catch(() => undefined);
  // Symlinks are left alone: chmod would follow them to a file that may not be ours to change.
  if (!stat || stat.isSymbolicLink() || !(stat.isFile() || stat.isDirectory())) return;
  const to = tightenedMode(stat.mode, stat.isDirectory());
  if (to === undefined) return;
  const fix: PermissionFix = { path: target, from: stat.mode & 0o777, to };
  try {
    await fs.promises.chmod(target, to);
  } catch (error) {
    fix.error = (error as NodeJS.ErrnoException).code ?? String(error);
  }
  fixes.push(fix);
}

/**
 * Makes the store folder and its `locks` folder 0700 and every file in them 0600: they hold refresh
 * tokens. Returns what had to change, so it can be reported; nothing is created.
 */
export async function tightenStorePermissions(dir: string): Promise<PermissionFix[]> {
  const fixes: PermissionFix[] = [];
  for (const folder of [dir, path.join(dir, 'locks')]) {
    await tighten(folder, fixes);
    const names = await fs.promises.readdir(folder).catch(() => [] as string[]);
    for (const name of names) {
      if (name === 'locks' && folder === dir) continue;
      await tighten(path.join(folder, name), fixes);
    }
  }
  return fixes;
}
