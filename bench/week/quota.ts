/**
 * The backend's truth about one account's quota, as the simulation keeps it: a 5-hour window that
 * starts with the first request after the last one ended, and a weekly window that resets at fixed
 * times. A request is admitted while both windows are below 100 % and is charged in full, so the turn
 * that crosses the line overshoots by at most one turn. (Source for the floating 5-hour window and the
 * "checked at admission" rule: OpenAI's help pages and user reports, see the README; the charge at
 * admission rather than at completion is a simplification.)
 */
import type { UsageReply } from '../../src/usage/usage-response.js';
import { FIVE_HOUR_MINUTES, WEEKLY_MINUTES } from '../../src/usage/windows.js';
import { HOUR, WEEK } from './parameters.js';

const FIVE_HOURS = 5 * HOUR;
const seconds = (ms: number) => Math.floor(ms / 1000);

export class AccountQuota {
  weeklyUsed: number;
  weeklyResetsAt: number;
  fiveHourUsed = 0;
  fiveHourResetsAt: number | undefined;
  /** Weekly units that expired unused at resets inside the horizon. */
  expiredUnits = 0;

  constructor(
    readonly weeklyUnits: number,
    readonly fiveHourUnits: number,
    firstWeeklyResetAt: number,
    initialWeeklyUsed: number,
    private readonly horizonMs: number,
  ) {
    this.weeklyResetsAt = Math.ceil(firstWeeklyResetAt / 1000) * 1000;
    this.weeklyUsed = initialWeeklyUsed;
  }

  /** Applies every reset due by `now`. */
  advance(now: number): void {
    while (this.weeklyResetsAt <= now) {
      if (this.weeklyResetsAt <= this.horizonMs) this.expiredUnits += Math.max(0, this.weeklyUnits - this.weeklyUsed);
      this.weeklyUsed = 0;
      this.weeklyResetsAt += WEEK;
    }
    if (this.fiveHourResetsAt !== undefined && this.fiveHourResetsAt <= now) {
      this.fiveHourUsed = 0;
      this.fiveHourResetsAt = undefined;
    }
  }

  admits(): boolean {
    return this.weeklyUsed < this.weeklyUnits && this.fiveHourUsed < this.fiveHourUnits;
  }

  charge(units: number, now: number): void {
    // Whole seconds, as the backend reports them: the plugin never sees a reset earlier than the real one.
    this.fiveHourResetsAt ??= Math.ceil((now + FIVE_HOURS) / 1000) * 1000;
    this.fiveHourUsed += units;
    this.weeklyUsed += units;
  }

  /** When the window that refuses requests resets: the later one if both do. */
  blockedUntil(now: number): number {
    const weekly = this.weeklyUsed >= this.weeklyUnits ? this.weeklyResetsAt : 0;
    const fiveHour = this.fiveHourUsed >= this.fiveHourUnits ? (this.fiveHourResetsAt ?? now) : 0;
    return Math.max(weekly, fiveHour);
  }

  /** Whole percent used, as the backend reports it (floored, so < 100 exactly when it still admits). */
  fiveHourPercent(): number {
    return Math.floor((100 * this.fiveHourUsed) / this.fiveHourUnits);
  }

  weeklyPercent(): number {
    return Math.floor((100 * this.weeklyUsed) / this.weeklyUnits);
  }

  /** What the reply headers would say, as one string: equal strings, equal headers. */
  headerSignature(now: number): string {
    return `${this.fiveHourPercent()}|${this.weeklyPercent()}|${seconds(this.fiveHourResetsAt ?? now + FIVE_HOURS)}|${seconds(this.weeklyResetsAt)}`;
  }

  /** The rate-limit headers of a reply: usage as it was before this request (PROTOCOL §3). */
  replyHeaders(now: number): Headers {
    return new Headers({
      'x-codex-primary-used-percent': String(this.fiveHourPercent()),
      'x-codex-primary-window-minutes': String(FIVE_HOUR_MINUTES),
      'x-codex-primary-reset-at': String(seconds(this.fiveHourResetsAt ?? now + FIVE_HOURS)),
      'x-codex-secondary-used-percent': String(this.weeklyPercent()),
      'x-codex-secondary-window-minutes': String(WEEKLY_MINUTES),
      'x-codex-secondary-reset-at': String(seconds(this.weeklyResetsAt)),
    });
  }

  /** What `GET /codex/usage` answers now. */
  usageReply(now: number, plan: string): UsageReply {
    return {
      plan_type: plan,
      rate_limit: {
        allowed: this.admits(),
        limit_reached: !this.admits(),
        primary_window: {
          used_percent: this.fiveHourPercent(),
          limit_window_seconds: FIVE_HOUR_MINUTES * 60,
          reset_after_seconds: seconds((this.fiveHourResetsAt ?? now + FIVE_HOURS) - now),
          reset_at: seconds(this.fiveHourResetsAt ?? now + FIVE_HOURS),
        },
        secondary_window: {
          used_percent: this.weeklyPercent(),
          limit_window_seconds: WEEKLY_MINUTES * 60,
          reset_after_seconds: seconds(this.weeklyResetsAt - now),
          reset_at: seconds(this.weeklyResetsAt),
        },
      },
    };
  }

  /** The 429 body of a refused request. */
  limitReachedBody(now: number, plan: string): string {
    return JSON.stringify({
      error: { type: 'usage_limit_reached', message: 'The usage limit has been reached', plan_type: plan, resets_at: seconds(this.blockedUntil(now)) },
    });
  }
}
