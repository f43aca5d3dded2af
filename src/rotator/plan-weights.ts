/**
 * How much quota one window of each ChatGPT plan holds, relative to Plus (= 1). The backend reports
 * usage in percent of the account's own window, so units left = weight × percent left / 100 is what
 * makes a Pro account at 50 % comparable with a Plus account at 50 %.
 *
 * Sources, where there is one (change the table when the plans change):
 * - plus 1: the unit.
 * - pro 10: OpenAI's published Codex ranges per 5-hour window, Plus "30–150" and Pro "300–1,500" local
 *   messages (2025 pricing page, as quoted by third parties). 2026 offers Pro at ×5 and ×20; the token
 *   claim does not tell which, so 10 sits between them.
 * - team, business, enterprise, edu 1: "same as Plus by default" (same source).
 * - go 0.5, free 0.2: ASSUMPTION (described only as "limited access"; no numbers published).
 * An unknown or missing plan counts as Plus.
 */
export const PLAN_WEIGHTS: Readonly<Record<string, number>> = {
  free: 0.2,
  go: 0.5,
  plus: 1,
  team: 1,
  business: 1,
  enterprise: 1,
  edu: 1,
  education: 1,
  pro: 10,
};

export const DEFAULT_PLAN_WEIGHT = 1;

/** The table as a Map: a keyed lookup on the hot path (a plain object's dynamic key lookup is slower there). */
const WEIGHT_BY_PLAN: ReadonlyMap<string, number> = new Map(Object.entries(PLAN_WEIGHTS));

/** The weight of a plan as the token claim (`chatgpt_plan_type`) or the usage reply names it. */
export function planWeight(plan: string | undefined): number {
  if (plan === undefined) return DEFAULT_PLAN_WEIGHT;
  return WEIGHT_BY_PLAN.get(plan) ?? WEIGHT_BY_PLAN.get(plan.toLowerCase()) ?? DEFAULT_PLAN_WEIGHT;
}
