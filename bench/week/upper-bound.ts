/**
 * An upper bound on what ANY policy could serve of a week's demand, clairvoyant or not: a linear
 * program solved by HiGHS (the `highs` package, HiGHS compiled to WebAssembly).
 *
 * Variables: x[a][b], units account a serves in hour b; q[b], demand waiting after hour b. Demand is
 * taken at its nominal times (a policy that makes users wait only moves later turns later, never
 * earlier, so this is generous). Constraints, each one every policy obeys in the simulation:
 * - flow: what is served by the end of hour b never exceeds what has arrived by then;
 * - weekly: within one weekly window an account serves at most what is left of it, plus one turn
 *   (the turn admitted just under 100 % is charged in full); hours that straddle a reset count in
 *   neither window, only in the sum of both;
 * - 5-hour: 5-hour windows float (each starts with the first request after the last one ended), so
 *   any k·5 h stretch of hours meets at most k+1 of them: an account serves at most
 *   (k+1)·(window + one turn) in it, for k = 1..4.
 * The objective is the units served. Relaxing the 5-hour windows this way is what makes the bound
 * loose: it is a ceiling, not a policy.
 */
import type { Demand } from './demand.js';
import { HOUR, type WeekParameters } from './parameters.js';
import type { WeekSetup } from './simulate.js';

export type Highs = { solve(problem: string, options?: Record<string, unknown>): { Status: string; ObjectiveValue: number } };

const FIVE_HOUR_STRETCHES = [1, 2, 3, 4];

function upperBoundModel(setup: WeekSetup, demand: Demand, parameters: WeekParameters): string {
  if (demand.bucketMs !== HOUR) throw new Error('the upper bound expects hourly demand buckets');
  const hours = demand.unitsPerBucket.length;
  const accounts = setup.plans.length;
  const x = (a: number, b: number) => `x${a}_${b}`;
  const lines: string[] = [
    'Maximize',
    ` obj: ${Array.from({ length: accounts }, (_, a) => Array.from({ length: hours }, (_, b) => x(a, b)).join(' + ')).join(' + ')}`,
    'Subject To',
  ];

  for (let b = 0; b < hours; b++) {
    const served = Array.from({ length: accounts }, (_, a) => x(a, b)).join(' + ');
    const previous = b === 0 ? '' : ` - q${b - 1}`;
    lines.push(` f${b}: ${served} + q${b}${previous} = ${demand.unitsPerBucket[b]!.toFixed(6)}`);
  }

  const slack = parameters.turnCostMaxUnits;
  for (let a = 0; a < accounts; a++) {
    const resetHour = setup.firstWeeklyResetAt[a]! / HOUR;
    const before: string[] = [];
    const after: string[] = [];
    const all: string[] = [];
    for (let b = 0; b < hours; b++) {
      all.push(x(a, b));
      if (b + 1 <= resetHour) before.push(x(a, b));
      else if (b >= resetHour) after.push(x(a, b));
    }
    const firstWindow = setup.weeklyUnits[a]! - setup.initialWeeklyUsed[a]! + slack;
    const secondWindow = setup.weeklyUnits[a]! + slack;
    if (before.length > 0) lines.push(` wa${a}: ${before.join(' + ')} <= ${firstWindow.toFixed(6)}`);
    if (after.length > 0) lines.push(` wb${a}: ${after.join(' + ')} <= ${secondWindow.toFixed(6)}`);
    lines.push(` ws${a}: ${all.join(' + ')} <= ${(firstWindow + secondWindow).toFixed(6)}`);

    const windowCap = setup.fiveHourUnits[a]! + slack;
    for (const k of FIVE_HOUR_STRETCHES) {
      const length = 5 * k;
      for (let start = 0; start + length <= hours; start++) {
        const terms = Array.from({ length }, (_, offset) => x(a, start + offset)).join(' + ');
        lines.push(` h${a}_${k}_${start}: ${terms} <= ${((k + 1) * windowCap).toFixed(6)}`);
      }
    }
  }
  lines.push('End');
  return lines.join('\n');
}

/** Starts the HiGHS solver (the WebAssembly module takes a few hundred ms); one serves every solve of a run. */
export async function loadHighs(): Promise<Highs> {
  const module = await import('highs');
  return (module.default as unknown as () => Promise<Highs>)();
}

export function upperBound(solver: Highs, setup: WeekSetup, demand: Demand, parameters: WeekParameters): number {
  const result = solver.solve(upperBoundModel(setup, demand, parameters));
  if (result.Status !== 'Optimal') throw new Error(`upper bound LP not solved: ${result.Status}`);
  return result.ObjectiveValue;
}
