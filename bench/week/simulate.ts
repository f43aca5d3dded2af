/**
 * One simulated week: sessions send turns, the plugin's REAL routing code (AccountRotator and
 * chooseAccount with its exclusion rules, classifyReply and decideFailover for refused requests,
 * snapshotsFromHeaders / snapshotsFromUsageReply and recordSnapshot for what it learns, and
 * selectAccountsToRefresh for which accounts the background refresher reads) decides where each goes,
 * against {@link AccountQuota}s that play the backend. Time is simulated: the plugin code is given
 * `now` from the simulation's clock, never the wall clock.
 */
import type { Clock } from '../../src/clock.js';
import { classifyReply } from '../../src/codex/classify-response.js';
import { decideFailover } from '../../src/codex/failover-policy.js';
import type { Strategy } from '../../src/config/config.js';
import type { Choice, ChoiceRequest } from '../../src/rotator/choose-account.js';
import { AccountRotator } from '../../src/rotator/rotator.js';
import { extendCooldown, recordRequestServed, recordSnapshot } from '../../src/store/mutations.js';
import { AccountSchema, StoreSchema, type StoreData } from '../../src/store/schema.js';
import { snapshotsFromHeaders } from '../../src/usage/rate-limit-headers.js';
import { selectAccountsToRefresh } from '../../src/usage/refresh-selection.js';
import { snapshotsFromUsageReply } from '../../src/usage/snapshots-from-reply.js';
import type { UsageObservation } from '../../src/usage/rate-limit-headers.js';
import type { Demand } from './demand.js';
import { EventQueue } from './event-queue.js';
import { HOUR, WEEK, type Scenario, type WeekParameters } from './parameters.js';
import { AccountQuota } from './quota.js';
import { Random } from './random.js';

/** A strategy of the plugin, or the clairvoyant reference: `pace` that always sees the backend's true usage. */
export type PolicyName = Strategy | 'clairvoyant-pace';

export interface WeekOutcome {
  demandUnits: number;
  servedUnits: number;
  /** Time users spent waiting for a turn to be accepted, summed, hours (turns still waiting at the end count up to it). */
  userHoursWaited: number;
  /** Of the turns after a session's first, the share served by the account that served the one before. */
  keptOnAccount: number;
  expiredUnits: number;
  /** Requests the backend refused with 429 usage_limit_reached: round trips the user waited for nothing. */
  wasted429: number;
  turnsServed: number;
}

/** Accounts, their quotas and reset times as a scenario and seed lay them out. */
export interface WeekSetup {
  plans: string[];
  weeklyUnits: number[];
  fiveHourUnits: number[];
  firstWeeklyResetAt: number[];
  initialWeeklyUsed: number[];
}

export function layOutAccounts(scenario: Scenario, parameters: WeekParameters, seed: number): WeekSetup {
  const random = new Random(seed ^ 0x5eed);
  const setup: WeekSetup = { plans: [], weeklyUnits: [], fiveHourUnits: [], firstWeeklyResetAt: [], initialWeeklyUsed: [] };
  for (const account of scenario.accounts) {
    const weight = parameters.planWeights[account.plan] ?? 1;
    const weekly = parameters.plusWeeklyUnits * weight;
    // Whole seconds, as the backend reports resets; the upper bound splits the week at the same instant.
    const firstReset = Math.ceil((random.uniform(0.02, 1) * WEEK) / 1000) * 1000;
    const elapsedShare = 1 - firstReset / WEEK;
    setup.plans.push(account.plan);
    setup.weeklyUnits.push(weekly);
    setup.fiveHourUnits.push(weekly * parameters.fiveHourShareOfWeekly);
    setup.firstWeeklyResetAt.push(firstReset);
    setup.initialWeeklyUsed.push(weekly * Math.min(0.98, elapsedShare * random.uniform(parameters.initialUseMin, parameters.initialUseMax)));
  }
  return setup;
}

interface TurnEvent {
  kind: 'turn';
  session: number;
  turn: number;
  /** When the user first sent it. */
  readyAt: number;
}
type SimEvent = TurnEvent | { kind: 'refresh' } | { kind: 'wake' };

/** Unchanged rate-limit headers are parsed and recorded again only after this long (as src/codex/request-path.ts does). */
const RATE_LIMIT_REFRESH_MS = 60_000;

const MODEL = 'gpt-5.4';

function record(data: StoreData, accountId: string, observation: UsageObservation): void {
  if (observation.fiveHour) recordSnapshot(data, accountId, 'fiveHour', observation.fiveHour);
  if (observation.weekly) recordSnapshot(data, accountId, 'weekly', observation.weekly);
}

export function simulateWeek(policy: PolicyName, setup: WeekSetup, demand: Demand, parameters: WeekParameters, seed: number): WeekOutcome {
  let now = 0;
  const clock: Clock = { now: () => now };
  const random = new Random(seed ^ 0xc10c);
  const quotas = setup.plans.map(
    (_, index) =>
      new AccountQuota(
        setup.weeklyUnits[index]!,
        setup.fiveHourUnits[index]!,
        setup.firstWeeklyResetAt[index]!,
        setup.initialWeeklyUsed[index]!,
        parameters.horizonMs,
      ),
  );
  const data: StoreData = StoreSchema.parse({
    version: 1,
    accounts: setup.plans.map((plan, index) =>
      AccountSchema.parse({
        id: `acct-${index}:user-${index}`,
        alias: `${plan}-${index}`,
        plan,
        chatgptAccountId: `acct-${index}`,
        addedAt: -WEEK,
        tokens: { accessToken: 'a', refreshToken: 'r', expiresAt: 2 * WEEK, obtainedAt: 0 },
      }),
    ),
    sessions: {},
    usageRoute: {},
  });
  const ids = data.accounts.map((account) => account.id);
  const indexOf = new Map(ids.map((id, index) => [id, index]));
  // The plugin has been running before the week starts: it knows every account's usage.
  for (let index = 0; index < quotas.length; index++) record(data, ids[index]!, snapshotsFromUsageReply(quotas[index]!.usageReply(0, setup.plans[index]!), 0));

  const strategy: Strategy = policy === 'clairvoyant-pace' ? 'pace' : policy;
  const rotator = new AccountRotator({ strategy, pauseAtPercent: parameters.pauseAtPercent, snapshotStaleAfterMs: parameters.snapshotStaleAfterMs });
  const selection = {
    pauseAtPercent: parameters.pauseAtPercent,
    snapshotStaleAfter: parameters.snapshotStaleAfterMs,
    usageRefreshInterval: parameters.usageRefreshIntervalMs,
  };

  /** The clairvoyant reference reads the backend's truth before every choice. */
  const seen = quotas.map(() => ({ signature: '', at: -Infinity }));
  const seeTruth = () => {
    for (let index = 0; index < quotas.length; index++) {
      const quota = quotas[index]!;
      quota.advance(now);
      // Unchanged numbers need no new snapshot until it would start to age.
      const signature = quota.headerSignature(now);
      if (signature === seen[index]!.signature && now - seen[index]!.at < RATE_LIMIT_REFRESH_MS) continue;
      seen[index] = { signature, at: now };
      record(data, ids[index]!, snapshotsFromUsageReply(quota.usageReply(now, setup.plans[index]!), now));
    }
  };

  const outcome: WeekOutcome = {
    demandUnits: demand.totalUnits,
    servedUnits: 0,
    userHoursWaited: 0,
    keptOnAccount: 0,
    expiredUnits: 0,
    wasted429: 0,
    turnsServed: 0,
  };
  const lastAccount = new Array<number>(demand.sessions.length).fill(-1);
  let laterTurns = 0;
  let laterTurnsKept = 0;
  let waitedMs = 0;

  const events = new EventQueue<SimEvent>();
  demand.sessions.forEach((session, index) => events.push(session.arrivesAt, { kind: 'turn', session: index, turn: 0, readyAt: session.arrivesAt }));
  events.push(random.uniform(0, parameters.usageRefreshIntervalMs), { kind: 'refresh' });

  /** Turns no account could take, oldest first: their users send them again together at the next wake. */
  const waiting: TurnEvent[] = [];
  const lastHeaders = quotas.map(() => ({ signature: '', at: -Infinity }));

  /** Routes one turn as the request path would; false when no account would take it. */
  const route = (event: TurnEvent): boolean => {
    const session = demand.sessions[event.session]!;
    const turn = session.turns[event.turn]!;
    const tried = new Set<string>();
    for (;;) {
      // Every request takes a moment: snapshots of one instant would not replace each other (the store keeps
      // the first of equal observation times), so turns routed together get distinct times.
      now += 1;
      if (policy === 'clairvoyant-pace') seeTruth();
      const request: ChoiceRequest = { now: clock.now(), model: MODEL, sessionId: session.id, tried };
      const choice: Choice = rotator.choose(data, request);
      if (!choice.ok) {
        const retryAt = Math.max(now + 1_000, Math.min(choice.firstAvailableAt ?? Infinity, now + parameters.userRetryMs));
        events.push(retryAt, { kind: 'wake' });
        return false;
      }
      const id = choice.account.id;
      const index = indexOf.get(id)!;
      tried.add(id);
      const quota = quotas[index]!;
      quota.advance(now);
      if (!quota.admits()) {
        outcome.wasted429 += 1;
        const verdict = classifyReply(429, new Headers({ 'content-type': 'application/json' }), quota.limitReachedBody(now, setup.plans[index]!), now);
        const step = decideFailover(verdict, { now, model: MODEL, refreshedThisRequest: false, reasoningStripped: false, burstStreak: 0, attempt: tried.size });
        if (step.action === 'next-account' && step.mark?.cooldownUntil !== undefined) extendCooldown(data, id, step.mark.cooldownUntil, step.mark.reason);
        continue;
      }
      const signature = quota.headerSignature(now);
      const last = lastHeaders[index]!;
      if (signature !== last.signature || now - last.at >= RATE_LIMIT_REFRESH_MS) {
        lastHeaders[index] = { signature, at: now };
        record(data, id, snapshotsFromHeaders(quota.replyHeaders(now), now));
      }
      quota.charge(turn.cost, now);
      recordRequestServed(data, id, now);
      rotator.served(id, session.id);

      waitedMs += now - event.readyAt;
      outcome.servedUnits += turn.cost;
      outcome.turnsServed += 1;
      if (event.turn > 0) {
        laterTurns += 1;
        if (lastAccount[event.session] === index) laterTurnsKept += 1;
      }
      lastAccount[event.session] = index;
      if (event.turn + 1 < session.turns.length) {
        const readyAt = now + turn.durationMs + turn.thinkMs;
        events.push(readyAt, { kind: 'turn', session: event.session, turn: event.turn + 1, readyAt });
      }
      return true;
    }
  };

  for (;;) {
    const next = events.pop();
    if (!next || next.at >= parameters.horizonMs) break;
    now = Math.max(now, next.at);
    const event = next.event;
    if (event.kind === 'refresh') {
      for (const id of selectAccountsToRefresh(data, clock.now(), selection)) {
        const index = indexOf.get(id)!;
        quotas[index]!.advance(now);
        record(data, id, snapshotsFromUsageReply(quotas[index]!.usageReply(now, setup.plans[index]!), now));
      }
      const jitter = 1 + random.uniform(-parameters.usageRefreshJitter, parameters.usageRefreshJitter);
      events.push(now + parameters.usageRefreshIntervalMs * jitter, { kind: 'refresh' });
    } else if (event.kind === 'wake') {
      // Oldest first, until one finds no account (it stays first in line).
      let served = 0;
      while (served < waiting.length && route(waiting[served]!)) served += 1;
      waiting.splice(0, served);
    } else if (waiting.length > 0 || !route(event)) {
      waiting.push(event);
    }
  }
  // Turns still waiting at the end have waited until it.
  for (const event of waiting) waitedMs += parameters.horizonMs - event.readyAt;

  for (const quota of quotas) {
    quota.advance(parameters.horizonMs);
    outcome.expiredUnits += quota.expiredUnits;
  }
  outcome.userHoursWaited = waitedMs / HOUR;
  outcome.keptOnAccount = laterTurns === 0 ? 1 : laterTurnsKept / laterTurns;
  return outcome;
}
