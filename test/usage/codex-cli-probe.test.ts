import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findAccount } from '../../src/store/mutations.js';
import { rateLimitsFromCodexLines } from '../../src/usage/codex-cli-probe.js';
import { usageFixture, type UsageFixture } from './fixture.js';

const FAKE_CODEX = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fake-codex.mjs');
const NOW = 1_800_000_000_000;

describe('rateLimitsFromCodexLines', () => {
  it('reads the last token_count event, placing windows by window_minutes', () => {
    const old = { type: 'event_msg', payload: { type: 'token_count', rate_limits: { primary: { used_percent: 1, window_minutes: 300 } } } };
    const latest = {
      type: 'event_msg',
      payload: {
        type: 'token_count',
        rate_limits: {
          primary: { used_percent: 80, window_minutes: 10_080, resets_at: 1_800_000_600 },
          secondary: { used_percent: 4, window_minutes: 300, resets_in_seconds: 60 },
        },
      },
    };
    const text = ['codex says hi', JSON.stringify(old), '{not json rate_limits', JSON.stringify(latest)].join('\n');
    expect(rateLimitsFromCodexLines(text, NOW)).toEqual({
      weekly: { usedPercent: 80, windowMinutes: 10_080, resetsAt: 1_800_000_600_000, observedAt: NOW, source: 'codex-cli' },
      fiveHour: { usedPercent: 4, windowMinutes: 300, resetsAt: NOW + 60_000, observedAt: NOW, source: 'codex-cli' },
    });
  });

  it('returns undefined when codex reported no limits', () => {
    expect(rateLimitsFromCodexLines('{"type":"turn.completed"}\nhello', NOW)).toBeUndefined();
  });
});

describe('codex CLI probe (CODEX_CLI_BIN) against the simulator', () => {
  let fixture: UsageFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('runs codex with a private CODEX_HOME when the HTTP probe fails, and removes the tokens afterwards', async () => {
    fixture = await usageFixture({ accounts: [{ accountId: 'cli', primaryWindow: 'weekly', fiveHourUsedPercent: 11, weeklyUsedPercent: 55 }] });
    fixture.sim.setUsageRoute('codex', '403-json');
    fixture.sim.setUsageRoute('wham', '403-json');
    fixture.sim.addFault({ route: 'responses', status: 500, times: 1 });
    const homesDir = path.join(fixture.dir, 'codex-homes');
    const queue = fixture.queue({
      codexCli: { bin: FAKE_CODEX, homesDir, env: { FAKE_CODEX_BASE_URL: fixture.sim.baseUrl } },
    });
    const result = await queue.refresh(fixture.ids.cli!);
    expect(result).toMatchObject({ state: 'done', source: 'codex-cli' });
    expect(fixture.sim.counters.requests('responses')).toBe(2);
    const account = findAccount(await fixture.store.current(), fixture.ids.cli!)!;
    expect(account.usage.weekly).toMatchObject({ source: 'codex-cli', windowMinutes: 10_080 });
    expect(account.usage.weekly!.usedPercent).toBeGreaterThanOrEqual(55);
    expect(account.usage.fiveHour!.usedPercent).toBeGreaterThanOrEqual(11);
    expect(account.health.reloginRequired).toBeUndefined();

    const home = path.join(homesDir, (await fs.readdir(homesDir))[0]!);
    const seen = JSON.parse(await fs.readFile(path.join(home, 'seen-args.json'), 'utf8')) as { accountId: string; args: string[] };
    expect(seen.accountId).toBe('cli');
    expect(seen.args.slice(0, 3)).toEqual(['exec', '--skip-git-repo-check', '--json']);
    await expect(fs.access(path.join(home, 'auth.json'))).rejects.toThrow();
  });
});
