import type { FaultRoute, FaultRule } from './types.js';

/** The combined effect of every rule that matched one request. */
export type FaultEffect = Omit<FaultRule, 'route' | 'accountId' | 'times'>;

/**
 * Injected failures, consulted before a request is processed. Every matching rule applies (later
 * rules win on conflicting fields) and spends one of its `times`, so a delay for all accounts and a
 * 500 for one account combine as a test author would expect.
 */
export class FaultTable {
  private rules: Array<FaultRule & { remaining: number }> = [];

  add(rule: FaultRule): void {
    this.rules.push({ ...rule, remaining: rule.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.rules = [];
  }

  take(route: FaultRoute, accountId: string | undefined): FaultEffect | undefined {
    let effect: FaultEffect | undefined;
    for (const rule of this.rules) {
      if (rule.route !== route || rule.remaining <= 0) continue;
      if (rule.accountId !== undefined && rule.accountId !== accountId) continue;
      rule.remaining -= 1;
      const { route: _route, accountId: _account, times: _times, remaining: _remaining, ...fields } = rule;
      effect = { ...effect, ...fields, headers: { ...effect?.headers, ...fields.headers } };
    }
    this.rules = this.rules.filter((rule) => rule.remaining > 0);
    return effect;
  }
}

/** Whether the fault replaces the answer outright (as opposed to delaying or decorating it). */
export function replacesAnswer(effect: FaultEffect): boolean {
  return effect.status !== undefined || effect.body !== undefined;
}
