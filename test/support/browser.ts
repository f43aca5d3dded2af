import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { missingLibraries, unpackBundledLibraries } from './chromium-libs.js';

/*
 * A real headless Chromium for browser tests, found without a download at run time and without a
 * system package manager: an explicit `CHROME_PATH`, else a system Chrome/Chromium, else the one the
 * `@sparticuz/chromium` dev dependency ships inside its npm package (Linux x64). Never
 * `npx playwright install`, which fetches from hosts outside the npm registry.
 */

export type ChromiumSource = 'CHROME_PATH' | 'system' | '@sparticuz/chromium';

export interface ChromiumLocation {
  executablePath: string;
  source: ChromiumSource;
}

/** Where Chrome or Chromium usually lives, on Linux and macOS. */
export const SYSTEM_CHROMIUM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/** Keep Chromium off the network and out of first-run chores; `--no-sandbox` because CI often runs as root. */
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--no-default-browser-check',
];

const INSTALL_HINT =
  'Set CHROME_PATH to a Chrome or Chromium binary, install Chromium from your system (e.g. `apt-get install chromium`), ' +
  'or on Linux x64 run `npm ci` so the @sparticuz/chromium dev dependency is present.';

/** The browser has no binary here, or it did not start. The message says what to install. */
export class BrowserUnavailableError extends Error {
  override readonly name = 'BrowserUnavailableError';
}

export interface FindOptions {
  env?: NodeJS.ProcessEnv;
  exists?: (file: string) => boolean;
  platform?: NodeJS.Platform;
  arch?: string;
}

/** The lookup order, as a plain decision: explicit, then system, then npm. `null` means "use the npm one". */
export function pickChromium(options: FindOptions = {}): ChromiumLocation | null {
  const env = options.env ?? process.env;
  const exists = options.exists ?? existsSync;
  const explicit = env['CHROME_PATH'];
  if (explicit) {
    if (!exists(explicit)) throw new BrowserUnavailableError(`CHROME_PATH is ${explicit}, but there is no file there. ${INSTALL_HINT}`);
    return { executablePath: explicit, source: 'CHROME_PATH' };
  }
  const system = SYSTEM_CHROMIUM_PATHS.find((file) => exists(file));
  if (system) return { executablePath: system, source: 'system' };
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  if (platform !== 'linux' || arch !== 'x64') {
    throw new BrowserUnavailableError(
      `No Chrome or Chromium found (looked at ${SYSTEM_CHROMIUM_PATHS.join(', ')}), and @sparticuz/chromium only ships one for Linux x64 (this is ${platform} ${arch}). ${INSTALL_HINT}`,
    );
  }
  return null;
}

async function findChromium(options: FindOptions = {}): Promise<ChromiumLocation> {
  const picked = pickChromium(options);
  if (picked) return picked;
  try {
    // Unpacks its brotli-compressed binary into the temp dir once (a few seconds), then reuses it.
    const { default: packaged } = await import('@sparticuz/chromium');
    return { executablePath: await packaged.executablePath(), source: '@sparticuz/chromium' };
  } catch (error) {
    throw new BrowserUnavailableError(
      `No Chrome or Chromium found, and the npm-shipped one could not be unpacked: ${error instanceof Error ? error.message : String(error)}. ${INSTALL_HINT}`,
    );
  }
}

export interface LaunchedBrowser {
  context: BrowserContext;
  page: Page;
  location: ChromiumLocation;
  close(): Promise<void>;
}

export interface LaunchOptions {
  viewport?: { width: number; height: number };
  /** How long Chromium may take to start. Default 60 s (a loaded 2-core machine). */
  timeoutMs?: number;
  /** Use the libraries @sparticuz/chromium carries even when the system has its own (to test that path here). */
  forceBundledLibraries?: boolean;
}

/** Starts headless Chromium with a fresh profile. Fails (never skips) with what to install when it cannot. */
export async function launchChromium(options: LaunchOptions = {}): Promise<LaunchedBrowser> {
  const location = await findChromium();
  const profile = await fs.mkdtemp(path.join(os.tmpdir(), 'oma-chromium-profile-'));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  // The npm Chromium brings its own fonts; a machine without fontconfig would otherwise draw empty boxes.
  if (location.source === '@sparticuz/chromium' && !existsSync('/etc/fonts/fonts.conf')) env['FONTCONFIG_PATH'] ??= path.join(os.tmpdir(), 'fonts');
  // It also links NSS, NSPR and expat; a system without them gets the copies the package carries.
  if (location.source === '@sparticuz/chromium' && (options.forceBundledLibraries || missingLibraries(location.executablePath).length > 0)) {
    const libDir = unpackBundledLibraries(path.join(os.tmpdir(), 'oma-chromium-al2023'));
    const still = missingLibraries(location.executablePath, libDir);
    if (still.length > 0)
      throw new BrowserUnavailableError(`Chromium at ${location.executablePath} needs ${still.join(', ')}, which this system lacks. ${INSTALL_HINT}`);
    env['LD_LIBRARY_PATH'] = [libDir, env['LD_LIBRARY_PATH']].filter(Boolean).join(':');
  }
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: location.executablePath,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: options.viewport ?? { width: 1280, height: 800 },
      timeout: options.timeoutMs ?? 60_000,
      env,
    });
  } catch (error) {
    await fs.rm(profile, { recursive: true, force: true });
    // Playwright's message carries the browser's whole log; keep its first line and the lines that say what failed.
    const lines = (error instanceof Error ? error.message : String(error)).split('\n');
    const message = [
      lines[0],
      ...lines
        .slice(1)
        .filter((line) => /error|cannot|not found|no such/i.test(line) && !line.startsWith('<launching>'))
        .slice(0, 5),
    ].join('\n');
    throw new BrowserUnavailableError(`Chromium at ${location.executablePath} (from ${location.source}) did not start: ${message}\n${INSTALL_HINT}`);
  }
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    location,
    async close() {
      await context.close();
      await fs.rm(profile, { recursive: true, force: true });
    },
  };
}
