/**
 * A week of OpenCode traffic: sessions arriving by time of day and weekday, some in bursts, each a
 * sequence of turns (cost, how long the model works, the user's pause before the next). Times here
 * are nominal: when each turn would be sent if every turn were served at once.
 */
import { DAY, HOUR, type WeekParameters } from './parameters.js';
import { Random } from './random.js';

export interface Turn {
  /** Quota units the turn uses. */
  cost: number;
  durationMs: number;
  /** The user's pause after the reply, before the next turn. */
  thinkMs: number;
}

export interface Session {
  id: string;
  arrivesAt: number;
  /** Only the turns whose nominal start falls inside the horizon. */
  turns: Turn[];
}

export interface Demand {
  sessions: Session[];
  /** Sum of every turn's cost. */
  totalUnits: number;
  /** Units by nominal start, per bucket of `bucketMs`, for the upper bound. */
  unitsPerBucket: number[];
  bucketMs: number;
}

function hourWeights(parameters: WeekParameters): number[] {
  const hours = Math.ceil(parameters.horizonMs / HOUR);
  return Array.from({ length: hours }, (_, hour) => {
    const weekday = (parameters.startWeekday + Math.floor((hour * HOUR) / DAY)) % 7;
    const weekend = weekday >= 5 ? parameters.weekendFactor : 1;
    return parameters.hourlyProfile[hour % 24]! * weekend;
  });
}

function sampleArrival(random: Random, cumulative: number[], total: number): number {
  const target = random.next() * total;
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (cumulative[middle]! < target) low = middle + 1;
    else high = middle;
  }
  return (low + random.next()) * HOUR;
}

/**
 * Draws sessions until their turns inside the horizon add up to `targetUnits` (load × the accounts'
 * weekly quota together), so every seed carries exactly the demand asked for.
 */
export function generateDemand(parameters: WeekParameters, targetUnits: number, seed: number, bucketMs = HOUR): Demand {
  const random = new Random(seed);
  const weights = hourWeights(parameters);
  const cumulative: number[] = [];
  let sum = 0;
  for (const weight of weights) cumulative.push((sum += weight));
  const sessions: Session[] = [];
  let totalUnits = 0;

  const addSession = (arrivesAt: number): void => {
    const turns: Turn[] = [];
    const count = random.geometric(parameters.turnsPerSessionMean);
    let at = arrivesAt;
    for (let index = 0; index < count && at < parameters.horizonMs && totalUnits < targetUnits; index++) {
      const turn: Turn = {
        cost: Math.min(parameters.turnCostMaxUnits, random.lognormal(parameters.turnCostMeanUnits, parameters.turnCostLogSd)),
        durationMs: random.lognormal(parameters.turnDurationMeanMs, 0.6),
        thinkMs: random.exponential(parameters.thinkTimeMeanMs),
      };
      turns.push(turn);
      totalUnits += turn.cost;
      at += turn.durationMs + turn.thinkMs;
    }
    if (turns.length > 0) sessions.push({ id: `ses_${sessions.length}`, arrivesAt, turns });
  };

  while (totalUnits < targetUnits) {
    const arrivesAt = sampleArrival(random, cumulative, sum);
    addSession(arrivesAt);
    if (random.next() < parameters.burstProbability) {
      const extra = random.integer(1, parameters.burstExtraMax);
      for (let i = 0; i < extra && totalUnits < targetUnits; i++) addSession(Math.min(parameters.horizonMs - 1, arrivesAt + random.uniform(0, 60_000)));
    }
  }
  sessions.sort((a, b) => a.arrivesAt - b.arrivesAt);

  const unitsPerBucket = new Array<number>(Math.ceil(parameters.horizonMs / bucketMs)).fill(0);
  for (const session of sessions) {
    let at = session.arrivesAt;
    for (const turn of session.turns) {
      unitsPerBucket[Math.min(unitsPerBucket.length - 1, Math.floor(at / bucketMs))]! += turn.cost;
      at += turn.durationMs + turn.thinkMs;
    }
  }
  return { sessions, totalUnits, unitsPerBucket, bucketMs };
}
