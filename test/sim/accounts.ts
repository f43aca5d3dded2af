import { catalogEtag, DEFAULT_SIM_CATALOG, normalizeCatalog, type CatalogEntry } from './catalog.js';
import { createFamily, DEFAULT_SIM_FAMILY, type SimFamily } from './families.js';
import { AccountQuota, type WindowName } from './quota.js';
import type { JwtIdentity } from './jwt.js';
import type { SimAccountSpec, SimCatalogModel } from './types.js';

/** An account as the sim keeps it: the spec with its defaults filled in, plus live quota. */
export interface SimAccount {
  identity: JwtIdentity;
  primaryWindow: WindowName;
  secondaryWindow: WindowName;
  cost: { fiveHour: number; weekly: number };
  unsupportedModels: ReadonlySet<string>;
  deactivated: boolean;
  quota: AccountQuota;
  /** Limit families of their own over some models. */
  families: SimFamily[];
  catalog: CatalogEntry[];
  catalogEtag: string;
}

/** Replaces the account's catalog and its ETag together. */
export function setAccountCatalog(account: SimAccount, catalog: ReadonlyArray<string | SimCatalogModel>): void {
  account.catalog = normalizeCatalog(catalog);
  account.catalogEtag = catalogEtag(account.catalog);
}

export function createAccount(spec: SimAccountSpec, now: () => number): SimAccount {
  const primaryWindow = spec.primaryWindow ?? 'fiveHour';
  const account: SimAccount = {
    identity: {
      accountId: spec.accountId,
      userId: spec.userId ?? `user-${spec.accountId}`,
      email: spec.email ?? `${spec.accountId}@example.test`,
      plan: spec.plan ?? 'plus',
    },
    primaryWindow,
    secondaryWindow: primaryWindow === 'fiveHour' ? 'weekly' : 'fiveHour',
    cost: { fiveHour: spec.costPerRequest?.fiveHour ?? 1, weekly: spec.costPerRequest?.weekly ?? 0.2 },
    unsupportedModels: new Set(spec.unsupportedModels ?? []),
    deactivated: spec.deactivated ?? false,
    quota: new AccountQuota(now, {
      fiveHourUsedPercent: spec.fiveHourUsedPercent ?? 0,
      weeklyUsedPercent: spec.weeklyUsedPercent ?? 0,
    }),
    families: (spec.families ?? [DEFAULT_SIM_FAMILY]).map((family) => createFamily(family, now)),
    catalog: [],
    catalogEtag: '',
  };
  setAccountCatalog(account, spec.catalog ?? DEFAULT_SIM_CATALOG);
  return account;
}
