import { describe, expect, it } from 'vitest';
import { createPalette } from '../../src/cli/render/colors.js';
import { renderStatus } from '../../src/cli/render/status-table.js';
import { statusView } from '../../src/cli/status-view.js';
import { dashboardView } from '../../src/dashboard/view-model.js';
import type { Account, StoreData } from '../../src/store/schema.js';
import { encodeUnsignedJwt } from '../sim/jwt.js';

const NOW = Date.UTC(2026, 4, 6, 12, 0);
const HOUR = 3_600_000;

/** An access token whose auth claim carries `claims` (residency, FedRAMP), as the issuer mints them. */
function tokenWith(claims: Record<string, unknown>): string {
  return encodeUnsignedJwt({ exp: NOW / 1000 + 3600, 'https://api.openai.com/auth': { chatgpt_account_id: 'acct', ...claims } });
}

function account(alias: string, overrides: Partial<Account> = {}): Account {
  return {
    id: `${alias}:user`,
    alias,
    chatgptAccountId: alias,
    plan: 'team',
    enabled: true,
    addedAt: NOW,
    origin: 'browser',
    tokens: { accessToken: tokenWith({}), refreshToken: 'r', expiresAt: NOW + HOUR, obtainedAt: NOW },
    health: {},
    usage: {},
    stats: { requests: 0 },
    ...overrides,
  };
}

function store(...accounts: Account[]): StoreData {
  return { version: 1, accounts, sessions: {}, usageRoute: {} };
}

const accounts = [
  account('us-team', { tokens: { accessToken: tokenWith({ chatgpt_compute_residency: 'us' }), refreshToken: 'r', expiresAt: NOW + HOUR, obtainedAt: NOW } }),
  account('fed', {
    tokens: {
      accessToken: tokenWith({ chatgpt_account_is_fedramp: true, chatgpt_compute_residency: 'no_constraint' }),
      refreshToken: 'r',
      expiresAt: NOW + HOUR,
      obtainedAt: NOW,
    },
  }),
  account('free', {
    plan: 'free',
    usage: { monthly: { usedPercent: 40, windowMinutes: 43_200, resetsAt: NOW + 20 * 24 * HOUR, observedAt: NOW, source: 'usage-endpoint' } },
  }),
  account('capped', {
    usage: {
      fiveHour: { usedPercent: 12, windowMinutes: 300, resetsAt: NOW + 2 * HOUR, observedAt: NOW, source: 'usage-endpoint' },
      limit: { reached: true, reason: 'workspace_member_usage_limit_reached', until: NOW + 2 * HOUR, observedAt: NOW },
      credits: { hasCredits: true, unlimited: false, balance: '12.50', observedAt: NOW },
    },
  }),
];

describe('status and the dashboard view model show what the backend rules add', () => {
  it("status --json: region, FedRAMP, the 30-day window, the backend's block and credits", () => {
    const view = statusView(store(...accounts), '/s/accounts.json', NOW);
    const byAlias = Object.fromEntries(view.accounts.map((entry) => [entry.alias, entry]));
    expect(byAlias['us-team']).toMatchObject({ residency: 'us', fedramp: false });
    expect(byAlias.fed).toMatchObject({ residency: null, fedramp: true });
    expect(byAlias.free!.usage).toMatchObject({ fiveHour: null, weekly: null, monthly: { usedPercent: 40 } });
    expect(byAlias.capped).toMatchObject({
      limitReached: { reason: 'workspace_member_usage_limit_reached', until: NOW + 2 * HOUR },
      credits: { hasCredits: true, unlimited: false, balance: '12.50' },
    });
  });

  it('the table: region and FedRAMP beside the plan, a 30d bar for a free plan, the block and the credits', () => {
    const text = renderStatus(statusView(store(...accounts), '/s/accounts.json', NOW), { palette: createPalette(false), width: 100, timeZone: 'UTC' }).join(
      '\n',
    );
    expect(text).toMatch(/us-team\s+\S+\s+team, us\b/);
    expect(text).toMatch(/fed\s+\S+\s+team, FedRAMP/);
    expect(text).toMatch(/30d █{4}░{6}\s+40%/);
    expect(text).not.toMatch(/free[^\n]*\n\s+5h/);
    expect(text).toContain('limit reached (workspace_member_usage_limit_reached) until 14:00');
    expect(text).toContain('credits: 12.50');
  });

  it('the dashboard view model: region, FedRAMP, the 30-day window, credits, and the block as the state', () => {
    const view = dashboardView(store(...accounts), { now: NOW, eligibility: { pauseAtPercent: 100, snapshotStaleAfterMs: 2 * HOUR } });
    const byAlias = Object.fromEntries(view.accounts.map((entry) => [entry.alias, entry]));
    expect(byAlias['us-team']).toMatchObject({ residency: 'us', fedramp: false });
    expect(byAlias.fed).toMatchObject({ residency: null, fedramp: true });
    expect(byAlias.free!.monthly).toMatchObject({ usedPercent: 40 });
    expect(byAlias.capped!.credits).toEqual({ hasCredits: true, unlimited: false, balance: '12.50' });
    expect(byAlias.capped!.state.kind).toBe('limited');
    expect(byAlias.capped!.state.reasons[0]).toContain('the backend says it cannot serve now (workspace_member_usage_limit_reached)');
    // With credits allowed, the same account serves.
    const spending = dashboardView(store(...accounts), { now: NOW, eligibility: { pauseAtPercent: 100, snapshotStaleAfterMs: 2 * HOUR, useCredits: true } });
    expect(spending.accounts.find((entry) => entry.alias === 'capped')!.state.kind).toBe('active');
  });
});
