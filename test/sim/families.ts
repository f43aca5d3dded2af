import { AccountQuota, type WindowName } from './quota.js';
import type { SimFamilySpec } from './types.js';

/*
 * Limit families (PROTOCOL.md §8; openai/codex codex-rs/codex-api/src/rate_limits.rs reads them,
 * live captures by independent clients show them): a limit of its own over some models, e.g.
 * `codex_bengalfox` ("GPT-5.3-Codex-Spark") over `gpt-5.3-codex-spark`. A turn of such a model
 * spends the family's quota, its 429 names the family in `x-codex-active-limit`, and the account's
 * other models keep working. The account-wide limit is called `premium` in `x-codex-active-limit`.
 */

/** `x-codex-active-limit` of the account-wide limit, as live captures show it. */
export const ACCOUNT_WIDE_LIMIT = 'premium';

/** What paid accounts carry in live captures; every sim account has it unless its spec says otherwise. */
export const DEFAULT_SIM_FAMILY: SimFamilySpec = {
  id: 'codex_bengalfox',
  limitName: 'GPT-5.3-Codex-Spark',
  models: ['gpt-5.3-codex-spark'],
};

export interface SimFamily {
  id: string;
  limitName: string;
  models: ReadonlySet<string>;
  cost: { fiveHour: number; weekly: number };
  quota: AccountQuota;
}

/** A family's windows have its account's shape (`enforced`: the plan's windows, see SimAccountSpec.usageShape). */
export function createFamily(spec: SimFamilySpec, now: () => number, enforced?: readonly WindowName[]): SimFamily {
  return {
    id: spec.id,
    limitName: spec.limitName,
    models: new Set(spec.models),
    cost: { fiveHour: spec.costPerRequest?.fiveHour ?? 1, weekly: spec.costPerRequest?.weekly ?? 0.2 },
    quota: new AccountQuota(
      now,
      {
        fiveHourUsedPercent: spec.fiveHourUsedPercent ?? 0,
        weeklyUsedPercent: spec.weeklyUsedPercent ?? 0,
        monthlyUsedPercent: spec.monthlyUsedPercent ?? 0,
      },
      enforced,
    ),
  };
}

/**
 * The header prefix of a named family: `x-` + the id with `_` as `-` (`codex_bengalfox` →
 * `x-codex-bengalfox`), as the codex CLI derives it (rate_limits.rs `parse_rate_limit_for_limit`).
 */
export function familyHeaderPrefix(familyId: string): string {
  return `x-${familyId.toLowerCase().replace(/_/g, '-')}`;
}

export function familyOfModel(families: readonly SimFamily[], model: string): SimFamily | undefined {
  return families.find((family) => family.models.has(model));
}
