/**
 * One scenario at one load over every seed: the demand, its upper bound, and each policy's week. Runs in
 * a worker thread (bench/week/worker.ts) so the two cores share the standard set.
 */
import { generateDemand } from './demand.js';
import { DEFAULT_PARAMETERS, SCENARIOS } from './parameters.js';
import type { Cell } from './report.js';
import { layOutAccounts, simulateWeek, type PolicyName, type WeekOutcome } from './simulate.js';
import { upperBound, type Highs } from './upper-bound.js';

export const POLICIES: readonly PolicyName[] = ['pace', 'sticky', 'round-robin', 'least-used', 'clairvoyant-pace'];

export interface Combination {
  scenario: string;
  load: number;
  seeds: number[];
}

export function runCombination(solver: Highs, combination: Combination): { cells: Cell[]; lpMs: number } {
  const scenario = SCENARIOS.find((candidate) => candidate.name === combination.scenario);
  if (!scenario) throw new Error(`unknown scenario ${combination.scenario}`);
  const { load } = combination;
  const outcomes = new Map<PolicyName, { outcome: WeekOutcome; bound: number }[]>(POLICIES.map((policy) => [policy, []]));
  const boundShares: number[] = [];
  let lpMs = 0;
  for (const seed of combination.seeds) {
    const runSeed = seed * 1_000 + Math.round(load * 100) + scenario.accounts.length * 100_000;
    const setup = layOutAccounts(scenario, DEFAULT_PARAMETERS, runSeed);
    const weeklyQuota = setup.weeklyUnits.reduce((sum, units) => sum + units, 0);
    const demand = generateDemand(DEFAULT_PARAMETERS, load * weeklyQuota, runSeed);
    const lpStarted = Date.now();
    const bound = upperBound(solver, setup, demand, DEFAULT_PARAMETERS);
    lpMs += Date.now() - lpStarted;
    boundShares.push(bound / demand.totalUnits);
    for (const policy of POLICIES) outcomes.get(policy)!.push({ outcome: simulateWeek(policy, setup, demand, DEFAULT_PARAMETERS, runSeed), bound });
  }
  return { cells: POLICIES.map((policy) => ({ scenario: scenario.name, load, policy, runs: outcomes.get(policy)!, boundShares })), lpMs };
}
