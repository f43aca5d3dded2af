import { describe, expect, it } from 'vitest';
import type { WindowSnapshot } from '../../src/store/schema.js';
import { isSnapshotStale } from '../../src/usage/staleness.js';

const NOW = 1_800_000_000_000;
const HOUR = 3_600_000;
const snap = (fields: Partial<WindowSnapshot>): WindowSnapshot => ({ usedPercent: 100, source: 'usage-endpoint', ...fields });

describe('isSnapshotStale', () => {
  it.each<[string, WindowSnapshot, boolean]>([
    ['fresh snapshot', snap({ observedAt: NOW - HOUR, resetsAt: NOW + HOUR }), false],
    ['observed exactly staleAfter ago is still fresh', snap({ observedAt: NOW - 2 * HOUR }), false],
    ['observed longer ago than staleAfter', snap({ observedAt: NOW - 2 * HOUR - 1 }), true],
    ['window already reset', snap({ observedAt: NOW - 60_000, resetsAt: NOW - 1 }), true],
    ['window resets right now', snap({ observedAt: NOW - 60_000, resetsAt: NOW }), true],
    ['no observedAt counts as fresh', snap({}), false],
    ['no observedAt but reset passed', snap({ resetsAt: NOW - 1 }), true],
  ])('%s', (_name, snapshot, expected) => {
    expect(isSnapshotStale(snapshot, NOW, 2 * HOUR)).toBe(expected);
  });
});
