import type { SimCounters, SimLogEntry } from './types.js';

const LOG_LIMIT = 1000;

function key(route: string, accountId?: string): string {
  return accountId === undefined ? route : `${route}\u0000${accountId}`;
}

/** Request counts, concurrency high-water marks, refresh statistics and the bounded request log. */
export class CounterBook implements SimCounters {
  private readonly requestCounts = new Map<string, number>();
  private readonly inFlightNow = new Map<string, number>();
  private readonly inFlightMax = new Map<string, number>();
  private readonly refreshCounts = new Map<string, number>();
  private readonly reuseCounts = new Map<string, number>();
  readonly log: SimLogEntry[] = [];

  requests(route: string, accountId?: string): number {
    return this.requestCounts.get(key(route, accountId)) ?? 0;
  }

  maxInFlight(route: string): number {
    return this.inFlightMax.get(route) ?? 0;
  }

  inFlight(route: string): number {
    return this.inFlightNow.get(route) ?? 0;
  }

  refreshes(accountId: string): number {
    return this.refreshCounts.get(accountId) ?? 0;
  }

  reuseEvents(accountId: string): number {
    return this.reuseCounts.get(accountId) ?? 0;
  }

  /** Clears counts, high-water marks and the log; requests still in flight stay counted as in flight. */
  reset(): void {
    this.requestCounts.clear();
    this.refreshCounts.clear();
    this.reuseCounts.clear();
    this.inFlightMax.clear();
    for (const [route, n] of this.inFlightNow) this.inFlightMax.set(route, n);
    this.log.length = 0;
  }

  countRequest(route: string, accountId: string | undefined): void {
    this.bump(this.requestCounts, key(route));
    if (accountId !== undefined) this.bump(this.requestCounts, key(route, accountId));
  }

  enter(route: string): void {
    const n = this.bump(this.inFlightNow, route);
    if (n > (this.inFlightMax.get(route) ?? 0)) this.inFlightMax.set(route, n);
  }

  leave(route: string): void {
    this.inFlightNow.set(route, Math.max(0, (this.inFlightNow.get(route) ?? 0) - 1));
  }

  countRefresh(accountId: string): void {
    this.bump(this.refreshCounts, accountId);
  }

  countReuse(accountId: string): void {
    this.bump(this.reuseCounts, accountId);
  }

  record(entry: SimLogEntry): void {
    this.log.push(entry);
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
  }

  private bump(map: Map<string, number>, k: string): number {
    const n = (map.get(k) ?? 0) + 1;
    map.set(k, n);
    return n;
  }
}
