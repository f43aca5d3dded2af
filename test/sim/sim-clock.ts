import type { SimClock } from './types.js';

/**
 * The simulator's notion of "now". It flows with real time unless frozen, because the CLI demo and
 * end-to-end runs against OpenCode rely on tokens really expiring; tests that need exact values freeze it.
 */
export function createSimClock(startTime: number, frozen: boolean): SimClock {
  const realAtStart = Date.now();
  let offset = startTime - realAtStart;
  const realNow = (): number => (frozen ? realAtStart : Date.now());
  return {
    now: () => realNow() + offset,
    advance(ms: number) {
      offset += ms;
    },
    set(ms: number) {
      offset = ms - realNow();
    },
  };
}
