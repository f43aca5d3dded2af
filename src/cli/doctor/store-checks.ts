import { logFileProblem } from '../../log/log-file.js';
import type { AccountStore } from '../../store/account-store.js';
import { describePermissionFix } from '../../store/permissions.js';
import { TokenKeeper } from '../../tokens/token-keeper.js';
import type { CliContext } from '../context.js';
import type { Check } from './checks.js';

/*
 * Doctor checks for the store's files and the refresh journal. Each reads what opening the store did
 * (AccountStore tightens permissions and sweeps temp files when it opens), so call them after the
 * store has been loaded.
 */

export function checkStorePermissions(store: AccountStore): Check {
  const name = 'store permissions';
  const failed = store.permissionFixes.filter((fix) => fix.error);
  if (failed.length > 0) {
    return {
      name,
      level: 'fail',
      message: `${failed.map(describePermissionFix).join('; ')}: other users may read the tokens.`,
      fix: failed.map((fix) => `chmod ${fix.to.toString(8)} ${fix.path}`).join(' && '),
    };
  }
  if (store.permissionFixes.length > 0) {
    return {
      name,
      level: 'warn',
      message: `Had to tighten the store on opening it: ${store.permissionFixes.map(describePermissionFix).join('; ')}.`,
      fix: 'Nothing to do now. If it happens again, look for what loosens the folder (a umask, a sync or backup tool).',
    };
  }
  return { name, level: 'ok', message: `${store.dir} is 700 and its files 600.`, fix: null };
}

export function checkTempFiles(store: AccountStore): Check | undefined {
  if (store.sweptTempFiles.length === 0) return undefined;
  return {
    name: 'temp files',
    level: 'ok',
    message: `Removed ${store.sweptTempFiles.length} temp file${store.sweptTempFiles.length === 1 ? '' : 's'} left by processes killed while writing (${store.sweptTempFiles.join(', ')}).`,
    fix: null,
  };
}

/** Settles refreshes interrupted by a crash (as any process would on its next refresh) and says what it found. */
export async function checkInterruptedRefreshes(context: CliContext, store: AccountStore): Promise<Check[]> {
  const keeper = new TokenKeeper({ store, issuer: context.config.authIssuer, clock: context.clock, fetch: context.fetch });
  let results;
  try {
    results = await keeper.recoverInterruptedRefreshes();
  } catch (error) {
    return [{ name: 'interrupted refreshes', level: 'warn', message: `Could not check the refresh journals: ${(error as Error).message}`, fix: 'Run doctor again.' }];
  }
  return results.flatMap(({ alias, outcome }): Check[] => {
    if (outcome.kind === 'recovered') {
      return [{ name: `account ${alias}`, level: 'ok', message: `A refresh of ${alias} was interrupted after the issuer answered; its new tokens were recovered from the journal.`, fix: null }];
    }
    if (outcome.kind === 'interrupted') {
      return [{ name: `account ${alias}`, level: 'fail', message: `${alias}: ${outcome.reason}.`, fix: `opencode-multi-auth login --alias ${alias}` }];
    }
    return [];
  });
}

export async function checkLogFile(context: CliContext): Promise<Check> {
  const file = context.config.logFile;
  const problem = await logFileProblem(file);
  if (!problem) return { name: 'log file', level: 'ok', message: `The plugin logs to ${file}.`, fix: null };
  return {
    name: 'log file',
    level: 'warn',
    message: `The plugin cannot log: ${problem}. Its log lines are dropped (it says so once on stderr).`,
    fix: 'Set OPENCODE_MULTI_AUTH_LOG_FILE to a file you can write, or unset it for plugin.log in the store folder.',
  };
}
