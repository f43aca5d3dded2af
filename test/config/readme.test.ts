import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readConfig, SETTINGS } from '../../src/config/config.js';
import { formatDuration } from '../../src/config/duration.js';

const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const rows = new Map(
  readme
    .split('\n')
    .filter((line) => line.startsWith('| `OPENCODE_MULTI_AUTH_'))
    .map((line) => [line.slice(3, line.indexOf('`', 3)), line]),
);

describe('the README', () => {
  it.each(Object.values(SETTINGS).map((spec) => `OPENCODE_MULTI_AUTH_${spec.name}`))('documents %s in the configuration table', (variable) => {
    expect(rows.has(variable)).toBe(true);
  });

  it('documents no setting the plugin does not read', () => {
    const known = new Set(Object.values(SETTINGS).map((spec) => `OPENCODE_MULTI_AUTH_${spec.name}`));
    expect([...rows.keys()].filter((variable) => !known.has(variable))).toEqual([]);
  });

  it('gives the defaults the code uses', () => {
    const { config } = readConfig({ HOME: '/h' });
    const defaults: Array<[string, string]> = [
      ['REFRESH_QUEUE_CONCURRENCY', `\`${config.refreshQueueConcurrency}\``],
      ['STRATEGY', `\`${config.strategy}\``],
      ['PAUSE_AT_PERCENT', `\`${config.pauseAtPercent}\``],
      ['SNAPSHOT_STALE_AFTER', `\`${formatDuration(config.snapshotStaleAfter).replace(' ', '')}\``],
      ['USAGE_REFRESH_INTERVAL', `\`${formatDuration(config.usageRefreshInterval)}\``],
      ['MAX_RETRY_WAIT', `\`${formatDuration(config.maxRetryWait)}\``],
      ['REQUEST_TIMEOUT', `\`${formatDuration(config.requestTimeout)}\``],
      ['ERROR_BODY_TIMEOUT', `\`${formatDuration(config.errorBodyTimeout)}\``],
      ['FIRST_EVENT_TIMEOUT', `\`${formatDuration(config.firstEventTimeout)}\``],
      ['STREAM_IDLE_TIMEOUT', `\`${formatDuration(config.streamIdleTimeout)}\``],
      ['TOKEN_REFRESH_MARGIN', `\`${formatDuration(config.tokenRefreshMargin)}\``],
      ['CODEX_BASE_URL', `\`${config.codexBaseUrl}\``],
      ['AUTH_ISSUER', `\`${config.authIssuer}\``],
      ['LOG_LEVEL', `\`${config.logLevel}\``],
      ['CALLBACK_PORTS', `\`${config.callbackPorts.join(',')}\``],
      ['USE_CREDITS', `\`${config.useCredits}\``],
      ['NOTIFY', `\`${config.notify}\``],
      ['NOTIFY_WEEKLY_PERCENT', `\`${config.notifyWeeklyPercent}\``],
      ['NOTIFY_COOLDOWN', `\`${formatDuration(config.notifyCooldown)}\``],
    ];
    for (const [name, text] of defaults) expect(rows.get(`OPENCODE_MULTI_AUTH_${name}`), name).toContain(text);
  });

  it('gives the two commands that set up a fresh clone, and CI runs the test one', () => {
    expect(readme).toContain('npm ci && npm run demo');
    expect(readme).toContain('npm ci && npm test');
    expect(fs.readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8')).toMatch(/^npm test\b/m);
  });
});
