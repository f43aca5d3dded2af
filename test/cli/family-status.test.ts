import { describe, expect, it } from 'vitest';
import { renderStatus } from '../../src/cli/render/status-table.js';
import { createPalette } from '../../src/cli/render/colors.js';
import { StatusJsonSchema } from '../../src/cli/json-schemas.js';
import { statusView } from '../../src/cli/status-view.js';
import { dashboardView } from '../../src/dashboard/view-model.js';
import { HOUR, NOW, routingAccount, snapshot, storeOf } from '../support/routing-accounts.js';

/** An account whose Spark family is spent (its 429 cooled it) while its own windows are fine. */
function sparkSpent() {
  return storeOf([
    routingAccount('work', (a) => {
      a.usage.fiveHour = snapshot(12);
      a.usage.additional = { codex_bengalfox: { fiveHour: snapshot(100, { resetsAt: NOW + 2 * HOUR }), limitName: 'GPT-5.3-Codex-Spark' } };
      a.health.familyCooldowns = { codex_bengalfox: { until: NOW + 2 * HOUR, reason: 'codex_bengalfox usage limit reached' } };
    }),
    routingAccount('personal'),
  ]);
}

describe('per-family usage in status, --json and the dashboard view model', () => {
  it('status --json lists each family with its windows and how long its models are out', () => {
    const view = StatusJsonSchema.parse(statusView(sparkSpent(), '/store/accounts.json', NOW));
    const [work, personal] = view.accounts;
    expect(work!.state).toBe('active');
    expect(work!.usage.fiveHour?.usedPercent).toBe(12);
    expect(work!.usage.families).toEqual([
      {
        id: 'codex_bengalfox',
        limitName: 'GPT-5.3-Codex-Spark',
        fiveHour: { usedPercent: 100, resetsAt: NOW + 2 * HOUR, observedAt: NOW - 60_000, source: 'usage-endpoint' },
        weekly: null,
        monthly: null,
        outUntil: NOW + 2 * HOUR,
      },
    ]);
    expect(personal!.usage.families).toEqual([]);
  });

  it('the status table shows the family under its account, by its display name', () => {
    const lines = renderStatus(statusView(sparkSpent(), '/store/accounts.json', NOW), { palette: createPalette(false), width: 100, timeZone: 'UTC' });
    const familyLine = lines.find((line) => line.includes('GPT-5.3-Codex-Spark'));
    expect(familyLine).toBeDefined();
    expect(familyLine).toContain('out until 12:00');
    expect(familyLine).toContain('100%');
    // The account row itself is not marked out.
    expect(lines.find((line) => line.includes('work'))).toContain('active');
  });

  it('the dashboard view model carries each family, and the account stays active', () => {
    const [work] = dashboardView(sparkSpent(), { now: NOW, eligibility: { pauseAtPercent: 100, snapshotStaleAfterMs: 2 * HOUR } }).accounts;
    expect(work!.state.kind).toBe('active');
    expect(work!.families).toEqual([expect.objectContaining({ id: 'codex_bengalfox', label: 'GPT-5.3-Codex-Spark', outUntil: NOW + 2 * HOUR, weekly: null })]);
    expect(work!.families[0]!.fiveHour?.usedPercent).toBe(100);
  });

  it("a free plan's family shows its 30-day window in the table, --json and the dashboard", () => {
    const monthly = snapshot(40, { windowMinutes: 43_200, resetsAt: NOW + 240 * HOUR });
    const data = storeOf([
      routingAccount('free', (a) => {
        a.usage.monthly = snapshot(10, { windowMinutes: 43_200, resetsAt: NOW + 240 * HOUR });
        a.usage.additional = { codex_bengalfox: { monthly, limitName: 'GPT-5.3-Codex-Spark' } };
      }),
    ]);
    const [free] = StatusJsonSchema.parse(statusView(data, '/store/accounts.json', NOW)).accounts;
    expect(free!.usage.families[0]!.monthly?.usedPercent).toBe(40);
    const lines = renderStatus(statusView(data, '/store/accounts.json', NOW), { palette: createPalette(false), width: 100, timeZone: 'UTC' });
    expect(lines.find((line) => line.includes('GPT-5.3-Codex-Spark'))).toMatch(/30d .*40%/);
    const [view] = dashboardView(data, { now: NOW, eligibility: { pauseAtPercent: 100, snapshotStaleAfterMs: 2 * HOUR } }).accounts;
    expect(view!.families[0]!.monthly?.usedPercent).toBe(40);
  });
});
