import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { missingLibraries, unpackBundledLibraries } from '../support/chromium-libs.js';

/*
 * A bare Linux may lack the NSS, NSPR and expat libraries the npm-shipped Chromium links. The
 * package carries copies; these tests prove they are enough on their own, on this machine.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oma-libs-test-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the libraries @sparticuz/chromium carries', () => {
  it('unpack to a folder with the libraries Chromium links', () => {
    const libDir = unpackBundledLibraries(path.join(dir, 'al2023'));
    for (const lib of ['libnss3.so', 'libnssutil3.so', 'libnspr4.so', 'libplc4.so', 'libplds4.so', 'libexpat.so.1', 'libsoftokn3.so']) {
      expect(fs.statSync(path.join(libDir, lib)).size, lib).toBeGreaterThan(10_000);
    }
    // A second call finds them in place.
    expect(unpackBundledLibraries(path.join(dir, 'al2023'))).toBe(libDir);
  });

  it('are what the dynamic linker picks when they come first, and Chromium starts and draws a page with them', async () => {
    const { default: packaged } = await import('@sparticuz/chromium');
    const executable = await packaged.executablePath();
    const libDir = unpackBundledLibraries(path.join(dir, 'al2023'));
    expect(missingLibraries(executable, libDir)).toEqual([]);
    const ldd = spawnSync('ldd', [executable], { env: { ...process.env, LD_LIBRARY_PATH: libDir }, encoding: 'utf8', timeout: 15_000 }).stdout;
    expect(ldd).toMatch(new RegExp(`libnss3\\.so => ${libDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/libnss3\\.so`));

    const browser = await launchChromium({ forceBundledLibraries: true });
    try {
      await browser.page.setContent('<h1>drawn with the bundled NSS</h1>');
      expect(await browser.page.innerText('h1')).toBe('drawn with the bundled NSS');
    } finally {
      await browser.close();
    }
  }, 90_000);
});
