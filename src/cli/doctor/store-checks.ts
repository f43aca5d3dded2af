import { promises as fs } from 'node:fs';
import os from 'node:os';
import { logFileProblem } from '../../log/log-file.js';
import { describePermissionFix } from '../../store/permissions.js';
import { TokenKeeper } from '../../tokens/token-keeper.js';
import { fail, ok, warn, type DoctorCheck } from './check.js';

async function exists(filePath: string): Promise<boolean> {
  return fs.stat(filePath).then(
    () => true,
    () => false,
  );
}

/** Whether the account store reads, and how many accounts it holds. */
export const checkStore: DoctorCheck = async (run) => {
  const { store } = run;
  const { data, error } = await run.storeData();
  if (error) return [fail('store', error.message, 'Follow the message above: recover the file from the copy it names, or move it away and sign in again.')];
  if (!(await exists(store.filePath))) return [warn('store', `No account store yet at ${store.filePath}.`, 'Add an account: run `opencode-multi-auth login`.')];
  const count = data!.accounts.length;
  if (count === 0) return [warn('store', `${store.filePath} holds no accounts.`, 'Add an account: run `opencode-multi-auth login`.')];
  return [ok('store', `${store.filePath}: ${count} account${count === 1 ? '' : 's'}.`)];
};

/**
 * The store holds tokens: only its owner may read it. Opening the store tightens the folder to 700 and
 * its files to 600 (AccountStore does it, and keeps what it had to change); this says what that took.
 */
export const checkStorePermissions: DoctorCheck = async (run) => {
  const { store } = run;
  await run.storeData();
  const name = 'store permissions';
  const failed = store.permissionFixes.filter((fix) => fix.error);
  if (failed.length > 0)
    return [
      fail(
        name,
        `${failed.map(describePermissionFix).join('; ')}: other users may read the tokens.`,
        `Run \`${failed.map((fix) => `chmod ${fix.to.toString(8)} ${fix.path}`).join(' && ')}\`.`,
      ),
    ];
  if (store.permissionFixes.length > 0)
    return [
      warn(
        name,
        `Had to tighten the store on opening it: ${store.permissionFixes.map(describePermissionFix).join('; ')}.`,
        'Nothing to do now. If it happens again, look for what loosens the folder (a umask, a sync or backup tool).',
      ),
    ];
  if (!(await exists(store.dir))) return [];
  return [ok(name, `${store.dir} is 700 and its files 600.`)];
};

/** Temp files that processes killed while writing left behind; opening the store sweeps them. */
export const checkTempFiles: DoctorCheck = async (run) => {
  await run.storeData();
  const swept = run.store.sweptTempFiles;
  if (swept.length === 0) return [];
  return [ok('temp files', `Removed ${swept.length} temp file${swept.length === 1 ? '' : 's'} left by processes killed while writing (${swept.join(', ')}).`)];
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
    .catch((): { pid?: number; host?: string } => ({}));
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

/** Settles refreshes interrupted by a crash (as any process would on its next refresh) and says what it found. */
export const checkInterruptedRefreshes: DoctorCheck = async (run) => {
  const { context, store } = run;
  const { data } = await run.storeData();
  if (!data) return [];
  const keeper = new TokenKeeper({ store, issuer: context.config.authIssuer, clock: context.clock, fetch: context.fetch });
  let results;
  try {
    results = await keeper.recoverInterruptedRefreshes();
  } catch (error) {
    return [warn('interrupted refreshes', `Could not check the refresh journals: ${(error as Error).message}`, 'Run `opencode-multi-auth doctor` again.')];
  }
  return results.flatMap(({ alias, outcome }) => {
    if (outcome.kind === 'recovered')
      return [ok(`account ${alias}`, `A refresh of ${alias} was interrupted after the issuer answered; its new tokens were recovered from the journal.`)];
    if (outcome.kind === 'interrupted') {
      run.flaggedAccounts.add(alias);
      return [fail(`account ${alias}`, `${alias}: ${outcome.reason}.`, `Run \`opencode-multi-auth login ${alias}\`.`)];
    }
    return [];
  });
};

/** The plugin logs to a file inside OpenCode; one it cannot write drops every line. */
export const checkLogFile: DoctorCheck = async ({ context }) => {
  const file = context.config.logFile;
  const problem = await logFileProblem(file);
  if (!problem) return [ok('log file', `The plugin logs to ${file}.`)];
  return [
    warn(
      'log file',
      `The plugin cannot log: ${problem}. Its log lines are dropped (it says so once on stderr).`,
      'Set OPENCODE_MULTI_AUTH_LOG_FILE to a file you can write, or unset it for plugin.log in the store folder.',
    ),
  ];
};
