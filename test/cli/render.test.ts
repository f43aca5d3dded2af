import { describe, expect, it } from 'vitest';
import { findPluginSpec, parseJsonc } from '../../src/cli/doctor/opencode-config.js';
import { accountState, stateLabel } from '../../src/cli/render/account-state.js';
import { renderProgressBar, renderUsageBar } from '../../src/cli/render/bar.js';
import { createPalette, shouldUseColor } from '../../src/cli/render/colors.js';
import { renderTable } from '../../src/cli/render/table.js';
import { truncate, visibleWidth, wrap } from '../../src/cli/render/text-width.js';
import type { Account } from '../../src/store/schema.js';

const NOW = Date.UTC(2026, 4, 6, 12, 0); // a Wednesday, 12:00 UTC

function account(overrides: Partial<Account> = {}): Account {
  return {
    id: 'acct:user',
    alias: 'work',
    chatgptAccountId: 'acct',
    enabled: true,
    addedAt: NOW,
    origin: 'browser',
    tokens: { accessToken: 'a', refreshToken: 'r', expiresAt: NOW + 3_600_000, obtainedAt: NOW },
    health: {},
    usage: {},
    stats: { requests: 0 },
    ...overrides,
  };
}

describe('usage bar', () => {
  it.each([
    [0, '░░░░░░░░░░   0%'],
    [30, '███░░░░░░░  30%'],
    [100, '██████████ 100%'],
    [130, '██████████ 100%'],
    [undefined, '··········    ?'],
  ])('shows %s percent USED as %s', (used, bar) => {
    expect(renderUsageBar(used, 10)).toBe(bar);
  });

  it('fills a progress bar by fraction', () => {
    expect(renderProgressBar(0.5, 10)).toBe('[#####-----]');
  });
});

describe('colour', () => {
  it.each([
    [{}, true, true],
    [{}, false, false],
    [{ NO_COLOR: '1' }, true, false],
    [{ NO_COLOR: '1', FORCE_COLOR: '1' }, true, false],
    [{ FORCE_COLOR: '1' }, false, true],
    [{ TERM: 'dumb' }, true, false],
  ])('env %j on a terminal=%s -> colour %s', (env, isTTY, expected) => {
    expect(shouldUseColor(env, isTTY)).toBe(expected);
  });

  it('leaves text alone when off', () => {
    expect(createPalette(false).red('x')).toBe('x');
    expect(createPalette(true).red('x')).toBe('\u001b[31mx\u001b[39m');
  });
});

describe('table', () => {
  it('aligns columns and shrinks the widest shrinkable one to fit', () => {
    const lines = renderTable(
      [{ header: 'ALIAS' }, { header: 'EMAIL', shrink: true }, { header: 'N', align: 'right' }],
      [
        ['a', 'a-very-long-address@example.test', '1'],
        ['bb', 'short@x', '22'],
      ],
      { maxWidth: 30 },
    );
    expect(lines).toEqual(['ALIAS  EMAIL                 N', 'a      a-very-long-addres…   1', 'bb     short@x              22']);
    for (const line of lines) expect(visibleWidth(line)).toBeLessThanOrEqual(30);
  });

  it('measures coloured cells by what shows', () => {
    const green = createPalette(true).green('ok');
    expect(visibleWidth(green)).toBe(2);
    expect(renderTable([{ header: 'S' }, { header: 'T' }], [[green, 'x']])[1]).toBe(`${green}  x`);
  });

  it('truncates and wraps text', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(wrap('one two three four', 9)).toEqual(['one two', 'three', 'four']);
  });
});

describe('account state', () => {
  it.each([
    ['active', account(), 'active'],
    ['disabled beats everything', account({ enabled: false, health: { reloginRequired: { reason: 'x', at: NOW } } }), 'disabled'],
    ['needs a sign-in', account({ health: { reloginRequired: { reason: 'refresh_token_reused', at: NOW } } }), 'sign-in needed'],
    ['cooling down', account({ health: { cooldownUntil: NOW + 3_600_000, cooldownReason: 'usage_limit_reached' } }), 'cooling down'],
    ['a cooldown that has passed', account({ health: { cooldownUntil: NOW - 1 } }), 'active'],
    ['workspace off', account({ health: { workspaceDeactivatedUntil: NOW + 60_000 } }), 'workspace off'],
  ])('%s', (_label, subject, label) => {
    expect(stateLabel(accountState(subject, undefined, NOW)).text).toBe(label);
  });

  it('shows a pin only while it lasts', () => {
    expect(stateLabel(accountState(account(), { accountId: 'acct:user', until: NOW + 1 }, NOW)).text).toBe('active, pinned');
    expect(accountState(account(), { accountId: 'acct:user', until: NOW - 1 }, NOW).pinned).toBe(false);
    expect(accountState(account(), { accountId: 'other' }, NOW).pinned).toBe(false);
  });
});

describe("OpenCode's plugin list", () => {
  it('reads JSONC with comments and trailing commas, keeping // inside strings', () => {
    expect(parseJsonc('{\n // c\n "a": "http://x", /* b */ "p": [1,],\n}')).toEqual({ a: 'http://x', p: [1] });
  });

  it.each([
    [{ plugin: ['opencode-multi-auth-codex'] }, 'opencode-multi-auth-codex'],
    [{ plugin: [['opencode-multi-auth-codex@0.2.0', {}]] }, 'opencode-multi-auth-codex@0.2.0'],
    [{ plugin: ['file:///opt/pkg/dist/index.js'] }, 'file:///opt/pkg/dist/index.js'],
    [{ plugin: ['/opt/pkg/dist/index.js'] }, '/opt/pkg/dist/index.js'],
    [{ plugin: ['file:///opt/pkg-other/index.js'] }, undefined],
    [{ plugin: ['opencode-openai-codex-auth'] }, undefined],
    [{}, undefined],
  ])('%j -> %s', (config, spec) => {
    expect(findPluginSpec(config, '/opt/pkg')).toBe(spec);
  });
});
