import type { Clock } from '../clock.js';
import type { Logger } from '../log/logger.js';
import { findAccount } from '../store/mutations.js';
import type { Account } from '../store/schema.js';
import type { AccessTokenSource, UsageStore } from './refresh-account.js';
import { CatalogReadError, readModelCatalog } from '../models/catalog-client.js';
import { confirmCatalog, recordCatalog } from '../models/catalog-mutations.js';

/** A catalog is re-read (cheaply: `If-None-Match`) after this long; rollouts change it without a release. */
export const CATALOG_REFRESH_MS = 60 * 60_000;

/** Per catalog read, headers and body together. */
const CATALOG_TIMEOUT_MS = 15_000;

export interface CatalogRefreshContext {
  store: UsageStore;
  tokens: AccessTokenSource;
  baseUrl: string;
  fetch: typeof fetch;
  clock: Clock;
  logger: Logger;
}

/** Whether the account's catalog should be read now: never read, or last confirmed too long ago. Pure. */
export function isCatalogDue(account: Account, now: number): boolean {
  if (!account.enabled || account.health.reloginRequired) return false;
  return account.catalog === undefined || account.catalog.checkedAt <= now - CATALOG_REFRESH_MS;
}

/**
 * Reads the account's model catalog when it is due, with its ETag, refreshing the token once on a
 * 401, and stores it. Returns what happened; throws {@link CatalogReadError} (or a token error).
 */
export async function refreshCatalogIfDue(ctx: CatalogRefreshContext, accountId: string, signal?: AbortSignal): Promise<'changed' | 'unchanged' | 'not-due'> {
  const account = findAccount(await ctx.store.current(), accountId);
  if (!account || !isCatalogDue(account, ctx.clock.now())) return 'not-due';
  const etag = account.catalog?.etag;
  const read = (accessToken: string) =>
    readModelCatalog({
      baseUrl: ctx.baseUrl,
      accessToken,
      chatgptAccountId: account.chatgptAccountId,
      etag,
      fetch: ctx.fetch,
      timeoutMs: CATALOG_TIMEOUT_MS,
      signal,
    });
  let token = await ctx.tokens.accessToken(accountId);
  let result;
  try {
    result = await read(token);
  } catch (error) {
    if (!(error instanceof CatalogReadError) || error.kind !== 'unauthorized') throw error;
    token = await ctx.tokens.accessToken(accountId, { rejected: token });
    result = await read(token);
  }
  const checkedAt = ctx.clock.now();
  if (!result.changed) {
    ctx.store.defer((data) => confirmCatalog(data, accountId, etag, checkedAt));
    return 'unchanged';
  }
  const { models } = result;
  const fresh = { models, checkedAt, ...(result.etag ? { etag: result.etag } : {}) };
  ctx.store.defer((data) => recordCatalog(data, accountId, fresh));
  ctx.logger.debug('model catalog read', { accountId, models: models.length });
  return 'changed';
}
