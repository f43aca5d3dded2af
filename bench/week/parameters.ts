/**
 * Every assumption of the week benchmark, named, with its source or marked ASSUMPTION. One unit of
 * quota is 1 % of a Plus account's weekly window; turn costs, window sizes and demand are in units.
 */
import { PLAN_WEIGHTS } from '../../src/rotator/plan-weights.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;

export interface WeekParameters {
  /** Simulated span. One week: the weekly window is the thing being scheduled. */
  horizonMs: number;
  /** A Plus weekly window, in units (the unit is defined as 1 % of it). */
  plusWeeklyUnits: number;
  /**
   * A full 5-hour window as a share of the weekly one. ASSUMPTION: user reports that three or four full
   * 5-hour windows use up a Plus week; OpenAI publishes no ratio.
   */
  fiveHourShareOfWeekly: number;
  /** Plan sizes relative to Plus: the plugin's own table (src/rotator/plan-weights.ts, with sources). */
  planWeights: Readonly<Record<string, number>>;
  /**
   * A turn's cost: lognormal with this mean (units) and log-sd, cut at `turnCostMaxUnits`. ASSUMPTION
   * calibrated to OpenAI's "30–150 local messages per 5 hours" on Plus: about 90 turns fill a 5-hour
   * window of 30 units, so a mean of 0.33. The cut bounds the overshoot of one admitted turn.
   */
  turnCostMeanUnits: number;
  turnCostLogSd: number;
  turnCostMaxUnits: number;
  /** Turns per session: geometric with this mean. ASSUMPTION (an OpenCode coding session). */
  turnsPerSessionMean: number;
  /** How long the model works on one turn: lognormal mean, ms, log-sd 0.6. ASSUMPTION. */
  turnDurationMeanMs: number;
  /** The user's pause between a reply and the next turn: exponential mean, ms. ASSUMPTION. */
  thinkTimeMeanMs: number;
  /**
   * Sessions by hour of day (0-23, the users' local time = simulated time), weekdays; relative rates.
   * ASSUMPTION: a working day 9-18 with a lunch dip, some evening work, little at night.
   */
  hourlyProfile: readonly number[];
  /** Weekend rate relative to a weekday at the same hour. ASSUMPTION. */
  weekendFactor: number;
  /** Day of the week the simulation starts on (0 = Monday). */
  startWeekday: number;
  /** Probability that a session starts together with others (parallel agents, a team standup). ASSUMPTION. */
  burstProbability: number;
  /** Extra sessions in a burst: uniform 1..this. ASSUMPTION. */
  burstExtraMax: number;
  /**
   * Weekly reset of each account: uniform over the week (accounts were added at different times). The
   * window's usage so far is `elapsed share × 100 % × U(initialUseMin, initialUseMax)`: about on pace, as
   * for someone whose demand outgrew their accounts. ASSUMPTION.
   */
  initialUseMin: number;
  initialUseMax: number;
  /** Background usage refresh interval: the plugin's default `USAGE_REFRESH_INTERVAL` (src/config/config.ts). */
  usageRefreshIntervalMs: number;
  /** Jitter on each refresh round, ± this share of the interval. The refresher's own spread. */
  usageRefreshJitter: number;
  /** The plugin's default `SNAPSHOT_STALE_AFTER` and `PAUSE_AT_PERCENT` (src/config/config.ts). */
  snapshotStaleAfterMs: number;
  pauseAtPercent: number;
  /**
   * When no account can serve, the plugin fails the turn with the reason (PROTOCOL §7: long waits are not
   * handed to OpenCode's retry). ASSUMPTION: waiting users send their turns again after this long, or when
   * the plugin said the first account comes back, whichever is sooner; oldest first, together. A session
   * waits for its turn: its next turn comes only after this one was served.
   */
  userRetryMs: number;
}

export const DEFAULT_PARAMETERS: WeekParameters = {
  horizonMs: WEEK,
  plusWeeklyUnits: 100,
  fiveHourShareOfWeekly: 0.3,
  planWeights: PLAN_WEIGHTS,
  turnCostMeanUnits: 0.33,
  turnCostLogSd: 0.8,
  turnCostMaxUnits: 3,
  turnsPerSessionMean: 20,
  turnDurationMeanMs: 60_000,
  thinkTimeMeanMs: 90_000,
  // 0h .. 23h
  hourlyProfile: [0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.2, 0.4, 0.8, 1, 1, 1, 0.7, 0.9, 1, 1, 1, 0.9, 0.7, 0.5, 0.5, 0.45, 0.35, 0.2],
  weekendFactor: 0.35,
  startWeekday: 0,
  burstProbability: 0.15,
  burstExtraMax: 3,
  initialUseMin: 0.7,
  initialUseMax: 1,
  usageRefreshIntervalMs: 5 * MINUTE,
  usageRefreshJitter: 0.2,
  snapshotStaleAfterMs: 2 * HOUR,
  pauseAtPercent: 100,
  userRetryMs: 10 * MINUTE,
};

/** One account of a scenario: its plan (a key of planWeights). */
export interface ScenarioAccount {
  plan: string;
}

export interface Scenario {
  name: string;
  accounts: readonly ScenarioAccount[];
}

const plus = (count: number): ScenarioAccount[] => Array.from({ length: count }, () => ({ plan: 'plus' }));
const pro = (count: number): ScenarioAccount[] => Array.from({ length: count }, () => ({ plan: 'pro' }));

export const SCENARIOS: readonly Scenario[] = [
  { name: '3 plus', accounts: plus(3) },
  { name: 'pro + 2 plus', accounts: [...pro(1), ...plus(2)] },
  { name: '2 pro + 6 plus', accounts: [...pro(2), ...plus(6)] },
];

/** Demand over the week as a multiple of the accounts' weekly quota together. */
export const LOADS: readonly number[] = [1.0, 1.3, 1.6];
