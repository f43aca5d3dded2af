import { catalogEtag, DEFAULT_SIM_CATALOG, normalizeCatalog, type CatalogEntry } from './catalog.js';
import { createFamily, DEFAULT_SIM_FAMILY, type SimFamily } from './families.js';
import { AccountQuota, type WindowName } from './quota.js';
import type { JwtIdentity } from './jwt.js';
import type { SimAccountSpec, SimCatalogModel } from './types.js';

export type UsageShape = NonNullable<SimAccountSpec['usageShape']>;

/** An account as the sim keeps it: the spec with its defaults filled in, plus live quota. */
export interface SimAccount {
  identity: JwtIdentity;
  primaryWindow: WindowName;
  /** Undefined when the plan reports no second window. */
  secondaryWindow: WindowName | undefined;
  usageShape: UsageShape;
  cost: { fiveHour: number; weekly: number };
  unsupportedModels: ReadonlySet<string>;
  deactivated: boolean;
  /** `rate_limit_reached_type` while the account is blocked whatever its windows say. */
  limitReachedType: string | undefined;
  credits: { hasCredits: boolean; unlimited: boolean; balance: string } | undefined;
  quotaResetField: 'resets_at' | 'resets_in_seconds';
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

/** Which windows a plan has, the one reported as primary first (PROTOCOL.md §8, "Window shapes seen in 2026"). */
function windowsOf(shape: UsageShape, primary: 'fiveHour' | 'weekly'): { primary: WindowName; secondary: WindowName | undefined } {
  switch (shape) {
    case 'five-hour-and-weekly':
      return { primary, secondary: primary === 'fiveHour' ? 'weekly' : 'fiveHour' };
    case 'weekly-only':
    case 'weekly-only-zero-secondary':
      return { primary: 'weekly', secondary: undefined };
    case 'free-monthly':
      return { primary: 'monthly', secondary: undefined };
  }
}

export function createAccount(spec: SimAccountSpec, now: () => number): SimAccount {
  const usageShape = spec.usageShape ?? 'five-hour-and-weekly';
  const windows = windowsOf(usageShape, spec.primaryWindow ?? 'fiveHour');
  const enforced = windows.secondary ? [windows.primary, windows.secondary] : [windows.primary];
  const account: SimAccount = {
    identity: {
      accountId: spec.accountId,
      userId: spec.userId ?? `user-${spec.accountId}`,
      email: spec.email ?? `${spec.accountId}@example.test`,
      plan: spec.plan ?? (usageShape === 'free-monthly' ? 'free' : 'plus'),
      computeResidency: spec.computeResidency,
      dataResidency: spec.dataResidency,
      fedramp: spec.fedramp,
    },
    primaryWindow: windows.primary,
    secondaryWindow: windows.secondary,
    usageShape,
    cost: { fiveHour: spec.costPerRequest?.fiveHour ?? 1, weekly: spec.costPerRequest?.weekly ?? 0.2 },
    unsupportedModels: new Set(spec.unsupportedModels ?? []),
    deactivated: spec.deactivated ?? false,
    limitReachedType: spec.limitReachedType,
    credits: spec.credits ? { hasCredits: spec.credits.hasCredits, unlimited: spec.credits.unlimited ?? false, balance: spec.credits.balance } : undefined,
    quotaResetField: spec.quotaResetField ?? 'resets_at',
    quota: new AccountQuota(
      now,
      {
        fiveHourUsedPercent: spec.fiveHourUsedPercent ?? 0,
        weeklyUsedPercent: spec.weeklyUsedPercent ?? 0,
        monthlyUsedPercent: spec.monthlyUsedPercent ?? 0,
      },
      enforced,
    ),
    families: (spec.families ?? [DEFAULT_SIM_FAMILY]).map((family) => createFamily(family, now, enforced)),
    catalog: [],
    catalogEtag: '',
  };
  setAccountCatalog(account, spec.catalog ?? DEFAULT_SIM_CATALOG);
  return account;
}
