import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { USAGE_HISTORY_FILE, UsageHistory, newHistoryPoints, parseHistoryLines, pruneHistory, type HistoryPoint } from '../../src/dashboard/usage-history.js';
import type { StoreData } from '../../src/store/schema.js';
import { makeAccount, removeDir, storeWith, tempDir } from '../store/factories.js';

const NOW = Date.UTC(2026, 4, 3, 12);
const HOUR = 3_600_000;

function storeAt(fiveHour: number, at: number): StoreData {
  const account = makeAccount(1);
  account.usage.fiveHour = { usedPercent: fiveHour, observedAt: at, source: 'usage-endpoint' };
  account.usage.weekly = { usedPercent: 3, source: 'usage-endpoint' };
  return storeWith(account);
}

describe('pure history', () => {
  it('takes only dated snapshots not seen before', () => {
    const data = storeAt(20, NOW);
    const points = newHistoryPoints(data, new Set());
    expect(points).toEqual([{ accountId: 'acct-1:user-1', window: 'fiveHour', usedPercent: 20, at: NOW, source: 'usage-endpoint' }]);
    expect(newHistoryPoints(data, new Set([`acct-1:user-1\u0000fiveHour\u0000${NOW}`]))).toEqual([]);
  });

  it('keeps the last day, oldest first, without duplicates', () => {
    const point = (at: number): HistoryPoint => ({ accountId: 'a', window: 'weekly', usedPercent: 1, at, source: 'probe' });
    expect(pruneHistory([point(NOW - HOUR), point(NOW - 25 * HOUR), point(NOW - 2 * HOUR), point(NOW - HOUR)], NOW).map((p) => p.at)).toEqual([
      NOW - 2 * HOUR,
      NOW - HOUR,
    ]);
  });

  it('skips torn and foreign lines', () => {
    const good = JSON.stringify({ accountId: 'a', window: 'fiveHour', usedPercent: 5, at: NOW, source: 'probe' });
    expect(parseHistoryLines(`${good}\n{"accountId":"a","win\n{"hello":1}\n\n${good}`)).toHaveLength(2);
  });
});

describe('UsageHistory file', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('oma-history-');
  });
  afterEach(() => removeDir(dir));

  it('appends each new snapshot once and reads them back after a restart', async () => {
    const history = new UsageHistory({ dir });
    await history.load(NOW);
    expect(await history.record(storeAt(20, NOW - HOUR), NOW)).toBe(1);
    expect(await history.record(storeAt(20, NOW - HOUR), NOW)).toBe(0);
    expect(await history.record(storeAt(35, NOW), NOW)).toBe(1);
    const lines = (await fs.readFile(path.join(dir, USAGE_HISTORY_FILE), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(2);

    const reopened = new UsageHistory({ dir });
    await reopened.load(NOW);
    expect(reopened.points(NOW).map((point) => point.usedPercent)).toEqual([20, 35]);
    expect(reopened.points(NOW + 24 * HOUR - 30 * 60_000).map((point) => point.usedPercent)).toEqual([35]);
  });

  it('rewrites the file once most of it is older than a day, so it stays bounded', async () => {
    const history = new UsageHistory({ dir });
    await history.load(NOW);
    for (let i = 0; i < 150; i++) await history.record(storeAt(i % 100, NOW + i * 60_000), NOW + i * 60_000);
    const later = NOW + 2 * 24 * HOUR;
    await history.record(storeAt(7, later), later);
    const lines = (await fs.readFile(path.join(dir, USAGE_HISTORY_FILE), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(history.points(later)).toHaveLength(1);
  });
});
