import { promises as fs } from 'node:fs';
import os from 'node:os';
import { fail, ok, warn, type Check, type DoctorCheck } from './check.js';

async function modeOf(filePath: string): Promise<number | undefined> {
  return fs.stat(filePath).then(
    (stat) => stat.mode & 0o777,
    () => undefined,
  );
}

/** Whether the account store reads, and how many accounts it holds. */
export const checkStore: DoctorCheck = async (run) => {
  const { store } = run;
  const { data, error } = await run.storeData();
  if (error) return [fail('store', error.message, 'Follow the message above: recover the file from the copy it names, or move it away and sign in again.')];
  const exists = await fs.stat(store.filePath).then(
    () => true,
    () => false,
  );
  if (!exists) return [warn('store', `No account store yet at ${store.filePath}.`, 'Add an account: run `opencode-multi-auth login`.')];
  const count = data!.accounts.length;
  if (count === 0) return [warn('store', `${store.filePath} holds no accounts.`, 'Add an account: run `opencode-multi-auth login`.')];
  return [ok('store', `${store.filePath}: ${count} account${count === 1 ? '' : 's'}.`)];
};

/** The store holds tokens: only its owner may read it. */
export const checkStorePermissions: DoctorCheck = async ({ store }) => {
  const checks: Check[] = [];
  const dirMode = await modeOf(store.dir);
  const fileMode = await modeOf(store.filePath);
  if (dirMode !== undefined && (dirMode & 0o077) !== 0)
    checks.push(warn('store permissions', `${store.dir} is mode ${dirMode.toString(8)}: other users may list it.`, `Run \`chmod 700 ${store.dir}\`.`));
  if (fileMode !== undefined && (fileMode & 0o077) !== 0)
    checks.push(warn('store permissions', `${store.filePath} is mode ${fileMode.toString(8)}: other users may read the tokens.`, `Run \`chmod 600 ${store.filePath}\`.`));
  return checks;
};

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock left by a process that died would stall every write. */
export const checkLock: DoctorCheck = async ({ store, context }) => {
  const lock = await fs.stat(store.lockPath).catch(() => undefined);
  if (!lock) return [ok('lock', 'The store is not locked.')];
  const holder = await fs
    .readFile(store.lockPath, 'utf8')
    .then((text) => JSON.parse(text) as { pid?: number; host?: string })
    .catch(() => ({}) as { pid?: number; host?: string });
  const ageMs = context.clock.now() - lock.mtimeMs;
  const alive = holder.pid !== undefined && holder.host === os.hostname() ? isAlive(holder.pid) : undefined;
  if (alive === false || ageMs > 60_000)
    return [
      warn(
        'lock',
        `${store.lockPath} is held${holder.pid ? ` by pid ${holder.pid}` : ''} for ${Math.round(ageMs / 1000)}s${alive === false ? ', and that process is gone' : ''}.`,
        `If no OpenCode or opencode-multi-auth process is running, delete ${store.lockPath}.`,
      ),
    ];
  return [ok('lock', `The store is locked right now by pid ${holder.pid ?? '?'} (a write in progress).`)];
};
