import type { DeadlinePhase } from './deadline-error.js';

/**
 * One timer for the current wait of an exchange. Re-arming only moves a number; the timer is
 * re-scheduled when it fires early, so a stream of many small reads costs two clock reads each,
 * not a setTimeout/clearTimeout pair.
 */
export class Watchdog {
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the scheduled timer fires, epoch ms. */
  #timerAt = 0;
  /** When the current wait expires, epoch ms; Infinity while nothing is awaited. */
  #deadlineAt = Number.POSITIVE_INFINITY;
  #phase: DeadlinePhase = 'headers';
  #ms = 0;

  constructor(private readonly expire: (phase: DeadlinePhase, ms: number) => void) {}

  /** Starts a wait of `ms` (none when undefined). */
  arm(phase: DeadlinePhase, ms: number | undefined): void {
    if (ms === undefined) return this.disarm();
    this.#phase = phase;
    this.#ms = ms;
    this.#deadlineAt = Date.now() + ms;
    if (this.#timer !== undefined && this.#timerAt <= this.#deadlineAt) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#schedule(ms);
  }

  /** The awaited thing arrived. */
  disarm(): void {
    this.#deadlineAt = Number.POSITIVE_INFINITY;
  }

  /** No more waits: the exchange is over. */
  stop(): void {
    this.disarm();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(ms: number): void {
    this.#timerAt = Date.now() + ms;
    this.#timer = setTimeout(this.#check, ms);
  }

  readonly #check = (): void => {
    this.#timer = undefined;
    if (this.#deadlineAt === Number.POSITIVE_INFINITY) return;
    const left = this.#deadlineAt - Date.now();
    if (left > 0) return this.#schedule(left);
    this.#deadlineAt = Number.POSITIVE_INFINITY;
    this.expire(this.#phase, this.#ms);
  };
}
