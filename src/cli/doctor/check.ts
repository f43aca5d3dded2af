import type { AccountStore } from '../../store/account-store.js';
import type { StoreData } from '../../store/schema.js';
import type { CliContext } from '../context.js';
import type { DoctorJson } from '../json-schemas.js';

/** One finding: its level, what was found, and what to do (absent when nothing is needed). */
export type Check = DoctorJson['checks'][number];

export const ok = (name: string, message: string): Check => ({ name, level: 'ok', message, fix: null });
export const warn = (name: string, message: string, fix: string): Check => ({ name, level: 'warn', message, fix });
export const fail = (name: string, message: string, fix: string): Check => ({ name, level: 'fail', message, fix });

/** What every check may look at. The store is read once per run, never written (except a token refresh). */
export interface DoctorRun {
  context: CliContext;
  store: AccountStore;
  /** `--offline`: no network (the usage endpoint, the npm registry). */
  offline: boolean;
  /** The store's contents, or the error reading it; read on first use. */
  storeData(): Promise<{ data?: StoreData; error?: Error }>;
  /** Aliases an earlier check already found a problem with, so later checks do not call them fine. */
  readonly flaggedAccounts: Set<string>;
}

/**
 * One independent check: it looks at one thing and says what it found. Checks run in the order of the
 * list in all-checks.ts; each is its own function so new ones can be added without touching the others.
 */
export type DoctorCheck = (run: DoctorRun) => Promise<Check[]>;

export function createDoctorRun(context: CliContext, store: AccountStore, offline: boolean): DoctorRun {
  let loaded: Promise<{ data?: StoreData; error?: Error }> | undefined;
  return {
    context,
    store,
    offline,
    storeData: () =>
      (loaded ??= store.load().then(
        (data) => ({ data }),
        (error: unknown) => ({ error: error instanceof Error ? error : new Error(String(error)) }),
      )),
    flaggedAccounts: new Set(),
  };
}
