import { MODEL_UNSUPPORTED_MS } from '../codex/failover-policy.js';
import { findAccount } from '../store/mutations.js';
import type { ModelCatalog, StoreData } from '../store/schema.js';

/* Merge-style store changes for model catalogs, in the manner of src/store/mutations.ts. */

/** Stores a catalog just read; an older read never replaces a newer one. */
export function recordCatalog(data: StoreData, accountId: string, catalog: ModelCatalog): void {
  const account = findAccount(data, accountId);
  if (!account) return;
  if (account.catalog && account.catalog.checkedAt >= catalog.checkedAt) return;
  account.catalog = { ...catalog, models: catalog.models.map((model) => ({ ...model })) };
  // A model the account now offers (a rollout) is no longer held back by an older "not supported" reply.
  const marks = account.health.unsupportedModels;
  if (!marks) return;
  for (const model of catalog.models) {
    const until = marks[model.slug];
    if (until !== undefined && until - MODEL_UNSUPPORTED_MS < catalog.checkedAt) delete marks[model.slug];
  }
}

/** A 304: the stored catalog still holds as of `checkedAt`. */
export function confirmCatalog(data: StoreData, accountId: string, etag: string | undefined, checkedAt: number): void {
  const catalog = findAccount(data, accountId)?.catalog;
  if (!catalog || catalog.etag !== etag) return;
  catalog.checkedAt = Math.max(catalog.checkedAt, checkedAt);
}
