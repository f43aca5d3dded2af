import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateDemand } from '../../bench/week/demand.js';
import { DAY, DEFAULT_PARAMETERS, SCENARIOS, type WeekParameters } from '../../bench/week/parameters.js';
import { layOutAccounts, simulateWeek, type PolicyName } from '../../bench/week/simulate.js';
import { loadHighs, upperBound } from '../../bench/week/upper-bound.js';

// Two days keep the test quick; everything else is the benchmark's standard model.
const PARAMETERS: WeekParameters = { ...DEFAULT_PARAMETERS, horizonMs: 2 * DAY };
const SCENARIO = SCENARIOS.find((scenario) => scenario.name === 'pro + 2 plus')!;
const POLICIES: PolicyName[] = ['pace', 'sticky', 'round-robin', 'least-used', 'clairvoyant-pace'];

function world(seed: number, load: number) {
  const setup = layOutAccounts(SCENARIO, PARAMETERS, seed);
  // Two days of a week's quota at this load.
  const demand = generateDemand(PARAMETERS, (load * setup.weeklyUnits.reduce((sum, units) => sum + units, 0) * 2) / 7, seed);
  return { setup, demand };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the week simulation (bench/week)', () => {
  it('is deterministic for a seed and independent of the wall clock', () => {
    const { setup, demand } = world(7, 1.6);
    const first = simulateWeek('pace', setup, demand, PARAMETERS, 7);
    vi.useFakeTimers({ now: new Date('2031-03-04T05:06:07Z'), toFake: ['Date'] });
    const again = simulateWeek('pace', setup, demand, PARAMETERS, 7);
    expect(again).toEqual(first);
    expect(first.turnsServed).toBeGreaterThan(100);
  });

  it('never lets any policy serve more than the upper bound (the LP is a true ceiling)', { timeout: 120_000 }, async () => {
    const solver = await loadHighs();
    for (const seed of [1, 2]) {
      const { setup, demand } = world(seed, 1.6);
      const bound = upperBound(solver, setup, demand, PARAMETERS);
      expect(bound).toBeLessThanOrEqual(demand.totalUnits + 1e-3);
      for (const policy of POLICIES) {
        const outcome = simulateWeek(policy, setup, demand, PARAMETERS, seed);
        expect(outcome.servedUnits, `${policy}, seed ${seed}`).toBeLessThanOrEqual(bound + 1e-3);
        expect(outcome.servedUnits).toBeLessThanOrEqual(outcome.demandUnits + 1e-6);
        expect(outcome.keptOnAccount).toBeGreaterThanOrEqual(0);
        expect(outcome.keptOnAccount).toBeLessThanOrEqual(1);
      }
    }
  });

  it('keeps a session on its account under pace and sticky far more than under round-robin', () => {
    const { setup, demand } = world(3, 1.0);
    const kept = (policy: PolicyName) => simulateWeek(policy, setup, demand, PARAMETERS, 3).keptOnAccount;
    expect(kept('pace')).toBeGreaterThan(0.9);
    expect(kept('sticky')).toBeGreaterThan(0.9);
    expect(kept('round-robin')).toBeLessThan(0.8);
  });
});
