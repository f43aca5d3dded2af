import { checkAccounts, checkUsageEndpoint } from './account-checks.js';
import type { DoctorCheck } from './check.js';
import { checkConfig } from './config-check.js';
import { checkOpenCodeAuth, checkOpenCodeConfig, checkVersions } from './opencode-checks.js';
import { checkLock, checkStore, checkStorePermissions } from './store-checks.js';

/** Every check `doctor` runs, in the order it prints them. Each is independent; add new ones here. */
export const DOCTOR_CHECKS: DoctorCheck[] = [
  checkConfig,
  checkVersions,
  checkOpenCodeConfig,
  checkOpenCodeAuth,
  checkStore,
  checkStorePermissions,
  checkLock,
  checkUsageEndpoint,
  checkAccounts,
];
