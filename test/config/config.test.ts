import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidConfigError, readConfig, readConfigStrict, SETTINGS } from '../../src/config/config.js';
import { formatDuration, parseDuration } from '../../src/config/duration.js';

const HOME = { HOME: '/home/someone' };

describe('readConfig', () => {
  it('gives every setting its documented default when nothing is set', () => {
    const { config, problems } = readConfig(HOME);
    expect(problems).toEqual([]);
    expect(config).toMatchObject({
      storeDir: path.join('/home/someone', '.config', 'opencode-multi-auth'),
      codexBaseUrl: 'https://chatgpt.com/backend-api',
      authIssuer: 'https://auth.openai.com',
      refreshQueueConcurrency: 5,
      strategy: 'pace',
      pauseAtPercent: 100,
      snapshotStaleAfter: 2 * 3_600_000,
      usageRefreshInterval: 5 * 60_000,
      models: [],
    });
  });

  it('puts the store under XDG_CONFIG_HOME when it is set', () => {
    expect(readConfig({ ...HOME, XDG_CONFIG_HOME: '/xdg' }).config.storeDir).toBe('/xdg/opencode-multi-auth');
  });

  it.each([
    ['OPENCODE_MULTI_AUTH_REFRESH_QUEUE_CONCURRENCY', '12', 'refreshQueueConcurrency', 12],
    ['OPENCODE_MULTI_AUTH_REFRESH_QUEUE_CONCURRENCY', ' 1 ', 'refreshQueueConcurrency', 1],
    ['OPENCODE_MULTI_AUTH_CODEX_BASE_URL', 'http://127.0.0.1:4000/backend-api/', 'codexBaseUrl', 'http://127.0.0.1:4000/backend-api'],
    ['OPENCODE_MULTI_AUTH_STRATEGY', 'round-robin', 'strategy', 'round-robin'],
    ['OPENCODE_MULTI_AUTH_SNAPSHOT_STALE_AFTER', '90m', 'snapshotStaleAfter', 90 * 60_000],
    ['OPENCODE_MULTI_AUTH_MAX_RETRY_WAIT', '45', 'maxRetryWait', 45_000],
    ['OPENCODE_MULTI_AUTH_MODELS', '+gpt-x, -gpt-5.4-mini', 'models', ['+gpt-x', '-gpt-5.4-mini']],
  ])('reads %s=%j', (variable, value, key, expected) => {
    const { config, problems } = readConfig({ ...HOME, [variable]: value });
    expect(problems).toEqual([]);
    expect(config[key as keyof typeof config]).toEqual(expected);
  });

  it.each([
    ['OPENCODE_MULTI_AUTH_REFRESH_QUEUE_CONCURRENCY', '0', 'a whole number from 1 to 20', 5],
    ['OPENCODE_MULTI_AUTH_REFRESH_QUEUE_CONCURRENCY', '21', 'a whole number from 1 to 20', 5],
    ['OPENCODE_MULTI_AUTH_REFRESH_QUEUE_CONCURRENCY', 'five', 'a whole number from 1 to 20', 5],
    ['OPENCODE_MULTI_AUTH_REFRESH_QUEUE_CONCURRENCY', '2.5', 'a whole number from 1 to 20', 5],
    ['OPENCODE_MULTI_AUTH_STRATEGY', 'random', 'pace, sticky, round-robin, least-used', 'pace'],
    ['OPENCODE_MULTI_AUTH_CODEX_BASE_URL', 'ftp://example.com', 'an http(s) URL', 'https://chatgpt.com/backend-api'],
    ['OPENCODE_MULTI_AUTH_SNAPSHOT_STALE_AFTER', '10s', 'a duration from 1m to 7d', 2 * 3_600_000],
  ])('reports %s=%j naming the variable, the value and what is accepted, and keeps the default', (variable, value, accepts, fallback) => {
    const { config, problems } = readConfig({ ...HOME, [variable]: value });
    expect(problems).toHaveLength(1);
    const [problem] = problems;
    expect(problem!.variable).toBe(variable);
    expect(problem!.message).toContain(variable);
    expect(problem!.message).toContain(JSON.stringify(value));
    expect(problem!.message).toContain(accepts);
    const key = Object.entries(SETTINGS).find(([, spec]) => `OPENCODE_MULTI_AUTH_${spec.name}` === variable)![0];
    expect(config[key as keyof typeof config]).toEqual(fallback);
  });

  it('keeps every other setting when one is invalid', () => {
    const { config, problems } = readConfig({ ...HOME, OPENCODE_MULTI_AUTH_STRATEGY: 'nope', OPENCODE_MULTI_AUTH_PAUSE_AT_PERCENT: '90' });
    expect(problems.map((problem) => problem.variable)).toEqual(['OPENCODE_MULTI_AUTH_STRATEGY']);
    expect(config.pauseAtPercent).toBe(90);
  });

  it('names an unknown OPENCODE_MULTI_AUTH_ variable instead of ignoring a typo silently', () => {
    const { problems } = readConfig({ ...HOME, OPENCODE_MULTI_AUTH_STRATEGEY: 'sticky' });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toContain('OPENCODE_MULTI_AUTH_STRATEGEY is not a setting');
    expect(problems[0]!.message).toContain('STRATEGY');
  });

  it.each([
    ['OPENCODE_MULTI_AUTH_STRATEGI', 'OPENCODE_MULTI_AUTH_STRATEGY'],
    ['OPENCODE_MULTI_AUTH_STORE_DIRR', 'OPENCODE_MULTI_AUTH_STORE_DIR'],
    ['OPENCODE_MULTI_AUTH_LOGLEVEL', 'OPENCODE_MULTI_AUTH_LOG_LEVEL'],
  ])('asks whether %s meant %s', (typo, meant) => {
    const [problem] = readConfig({ ...HOME, [typo]: 'x' }).problems;
    expect(problem!.message).toContain(`Did you mean ${meant}?`);
    expect(problem!.fix).toBe(`Rename it to ${meant}.`);
  });

  it('refuses a relative store or log path (one store per project folder), and expands ~/', () => {
    const relative = readConfig({ ...HOME, OPENCODE_MULTI_AUTH_STORE_DIR: 'accounts', OPENCODE_MULTI_AUTH_LOG_FILE: './x.log' });
    expect(relative.problems.map((problem) => problem.variable)).toEqual(['OPENCODE_MULTI_AUTH_STORE_DIR', 'OPENCODE_MULTI_AUTH_LOG_FILE']);
    expect(relative.problems[0]!.message).toContain('a relative path would depend on the folder OpenCode starts in');
    expect(relative.config.storeDir).toBe(path.join('/home/someone', '.config', 'opencode-multi-auth'));
    expect(readConfig({ ...HOME, OPENCODE_MULTI_AUTH_STORE_DIR: '~/accounts' }).config.storeDir).toBe('/home/someone/accounts');
  });

  it.each([
    ['+gpt-x,gpt y', 'the item "gpt y" is not a model id'],
    ['+gpt-x,,-gpt-z', 'an empty item'],
    ['+gpt-x,-gpt-5.4!', 'the item "-gpt-5.4!" is not a model id'],
  ])('names the bad item of MODELS=%j', (value, detail) => {
    const [problem] = readConfig({ ...HOME, OPENCODE_MULTI_AUTH_MODELS: value }).problems;
    expect(problem!.message).toContain(detail);
  });

  it('throws every problem at once in strict mode, for the command-line tool', () => {
    expect(() => readConfigStrict({ ...HOME, OPENCODE_MULTI_AUTH_STRATEGY: 'x', OPENCODE_MULTI_AUTH_PAUSE_AT_PERCENT: '101' })).toThrow(InvalidConfigError);
    try {
      readConfigStrict({ ...HOME, OPENCODE_MULTI_AUTH_STRATEGY: 'x', OPENCODE_MULTI_AUTH_PAUSE_AT_PERCENT: '101' });
    } catch (error) {
      expect((error as InvalidConfigError).problems.map((problem) => problem.variable).sort()).toEqual([
        'OPENCODE_MULTI_AUTH_PAUSE_AT_PERCENT',
        'OPENCODE_MULTI_AUTH_STRATEGY',
      ]);
    }
  });
});

describe('durations', () => {
  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['1h30m', 5_400_000],
    ['1500ms', 1_500],
    ['45', 45_000],
    ['1d', 86_400_000],
  ])('parses %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'soon', '5 minutes', '-3m', '2hh'])('refuses %j', (text) => expect(parseDuration(text)).toBeUndefined());

  it.each([
    [45_000, '45s'],
    [12 * 60_000, '12m'],
    [125 * 60_000, '2h 5m'],
    [3 * 86_400_000 + 4 * 3_600_000, '3d 4h'],
  ])('formats %d ms as %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('path settings', () => {
  it.each(['OPENCODE_MULTI_AUTH_STORE_DIR', 'OPENCODE_MULTI_AUTH_LOG_FILE'])(
    'refuses an empty %s, naming the variable, instead of treating it as unset',
    (variable) => {
      for (const value of ['', '   ']) {
        const { problems } = readConfig({ ...HOME, [variable]: value });
        expect(problems).toHaveLength(1);
        expect(problems[0]!.variable).toBe(variable);
        expect(problems[0]!.fatal).toBe(true);
        expect(problems[0]!.message).toContain(`${variable} is set but empty`);
        expect(() => readConfigStrict({ ...HOME, [variable]: value })).toThrow(variable);
      }
    },
  );

  it('still treats an empty non-path setting as unset', () => {
    expect(readConfig({ ...HOME, OPENCODE_MULTI_AUTH_STRATEGY: '' }).problems).toEqual([]);
  });

  it('puts the default log file in the configured store folder, as the README says', () => {
    expect(readConfig({ ...HOME, OPENCODE_MULTI_AUTH_STORE_DIR: '/srv/accounts' }).config.logFile).toBe(path.resolve('/srv/accounts/plugin.log'));
    expect(readConfig({ ...HOME, OPENCODE_MULTI_AUTH_STORE_DIR: '~/accounts' }).config.logFile).toBe(path.join('/home/someone', 'accounts', 'plugin.log'));
    // A relative store folder is refused (one store per project folder otherwise), and stands the plugin aside.
    expect(readConfig({ ...HOME, OPENCODE_MULTI_AUTH_STORE_DIR: 'relative/store' }).problems).toMatchObject([
      { variable: 'OPENCODE_MULTI_AUTH_STORE_DIR', fatal: true },
    ]);
    expect(readConfig(HOME).config.logFile).toBe(path.join('/home/someone', '.config', 'opencode-multi-auth', 'plugin.log'));
    expect(readConfig({ ...HOME, OPENCODE_MULTI_AUTH_STORE_DIR: '/s', OPENCODE_MULTI_AUTH_LOG_FILE: '/logs/x.log' }).config.logFile).toBe('/logs/x.log');
  });
});

describe('the plugin with an empty path setting', () => {
  it('stands aside with the variable named instead of opening the default store', async () => {
    const { PluginRuntime } = await import('../../src/plugin/plugin-runtime.js');
    const runtime = new PluginRuntime({ env: { ...HOME, OPENCODE_MULTI_AUTH_STORE_DIR: '' }, logSink: () => {} });
    const readiness = await runtime.readiness();
    expect(readiness.ready).toBe(false);
    if (readiness.ready) return;
    const body = (await readiness.explain().json()) as { error: { message: string; code: string } };
    expect(body.error.code).toBe('invalid_config');
    expect(body.error.message).toContain('OPENCODE_MULTI_AUTH_STORE_DIR is set but empty');
    await runtime.dispose();
  });
});
