import { checkAccounts, checkUsageEndpoint } from './account-checks.js';
import type { DoctorCheck } from './check.js';
import { checkConfig } from './config-check.js';
import { checkFetchBypass, checkOpenCodeAuth, checkOpenCodeConfig, checkVersions } from './opencode-checks.js';
import { checkInterruptedRefreshes, checkLock, checkLogFile, checkStore, checkStorePermissions, checkTempFiles } from './store-checks.js';

/** Every check `doctor` runs, in the order it prints them. Each is independent; add new ones here. */
export const DOCTOR_CHECKS: DoctorCheck[] = [
  checkConfig,
  checkVersions,
  checkOpenCodeConfig,
  checkOpenCodeAuth,
  checkFetchBypass,
  checkStore,
  checkStorePermissions,
  checkTempFiles,
  checkLock,
  checkInterruptedRefreshes,
  checkLogFile,
  checkUsageEndpoint,
  checkAccounts,
];
