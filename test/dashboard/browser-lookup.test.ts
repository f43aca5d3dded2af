import { describe, expect, it } from 'vitest';
import { BrowserUnavailableError, SYSTEM_CHROMIUM_PATHS, pickChromium } from '../support/browser.js';

/** The browser tests' Chromium lookup, as a table: explicit, then system, then the npm-shipped one (null). */
describe('pickChromium', () => {
  const linux = { platform: 'linux' as const, arch: 'x64' };
  it.each<[string, Record<string, string>, string[], ReturnType<typeof pickChromium>]>([
    [
      'takes CHROME_PATH first, even with a system Chromium',
      { CHROME_PATH: '/opt/chrome/chrome' },
      ['/opt/chrome/chrome', '/usr/bin/chromium'],
      { executablePath: '/opt/chrome/chrome', source: 'CHROME_PATH' },
    ],
    ['takes a system Chromium without CHROME_PATH', {}, ['/usr/bin/chromium'], { executablePath: '/usr/bin/chromium', source: 'system' }],
    [
      'prefers Chromium over Chrome, in the listed order',
      {},
      ['/usr/bin/google-chrome', '/usr/bin/chromium-browser'],
      { executablePath: '/usr/bin/chromium-browser', source: 'system' },
    ],
    ['falls back to the npm-shipped one when there is none', {}, [], null],
  ])('%s', (_, env, files, expected) => {
    expect(pickChromium({ env, exists: (file) => files.includes(file), ...linux })).toEqual(expected);
  });

  it('fails with what to do when CHROME_PATH points nowhere', () => {
    expect(() => pickChromium({ env: { CHROME_PATH: '/nope/chrome' }, exists: () => false, ...linux })).toThrow(
      /CHROME_PATH is \/nope\/chrome, but there is no file there\. Set CHROME_PATH .*apt-get install chromium.*npm ci/,
    );
  });

  it('fails with what to install where the npm one does not exist (not Linux x64), never skips', () => {
    const attempt = () => pickChromium({ env: {}, exists: () => false, platform: 'darwin', arch: 'arm64' });
    expect(attempt).toThrow(BrowserUnavailableError);
    expect(attempt).toThrow(/only ships one for Linux x64 \(this is darwin arm64\)/);
    expect(SYSTEM_CHROMIUM_PATHS).toContain('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome');
  });
});
