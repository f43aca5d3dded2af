import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DoctorJsonSchema } from '../../src/cli/json-schemas.js';
import { startSimulator, type Simulator } from '../sim/index.js';
import { isolatedHome, runOpencode, type IsolatedHome } from '../support/opencode.js';

/*
 * What ships is what is tested: the package packed with `npm pack` (its `files`, `exports` and `bin`),
 * installed into an empty folder with production dependencies only, as the README's install says.
 * Its command-line tool signs in an account, and the real `opencode` binary loads the installed plugin.
 * Needs the npm registry (or the local npm cache) for the runtime dependencies.
 */

const exec = promisify(execFile);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

let workDir: string;
let tarball: string;
let installedDir: string;
let tool: string;
let sim: Simulator;
let home: IsolatedHome;

beforeAll(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'omac-install-'));
  // dist/ was built by the test command; packing must not rebuild it.
  const packed = await exec('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', workDir], { cwd: repoRoot, timeout: 120_000 });
  tarball = path.join(workDir, packed.stdout.trim().split('\n').pop()!);
  const app = path.join(workDir, 'app');
  await fs.mkdir(app);
  await exec('npm', ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', tarball], {
    cwd: app,
    timeout: 240_000,
  });
  installedDir = path.join(app, 'node_modules', 'opencode-multi-auth-codex');
  tool = path.join(app, 'node_modules', '.bin', 'opencode-multi-auth');
  sim = await startSimulator({ accounts: [{ accountId: 'acct-packed', email: 'packed@example.test' }], autoApproveDeviceAfterPolls: 1 });
  home = await isolatedHome(
    { OPENCODE_MULTI_AUTH_CODEX_BASE_URL: sim.baseUrl, OPENCODE_MULTI_AUTH_AUTH_ISSUER: sim.issuer },
    { plugin: [pathToFileURL(path.join(installedDir, 'dist', 'index.js')).href] },
  );
}, 300_000);

afterAll(async () => {
  await (sim as Simulator | undefined)?.close();
  await (home as IsolatedHome | undefined)?.cleanup();
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
});

const run = (args: string[], env: NodeJS.ProcessEnv = home.env) => exec(tool, args, { env, cwd: home.root, timeout: 60_000 });

describe('the packed package, installed with production dependencies only', { timeout: 240_000 }, () => {
  it('ships the built code and nothing of the sources, tests or dev dependencies', async () => {
    const { stdout } = await exec('tar', ['tzf', tarball]);
    const files = stdout.trim().split('\n');
    expect(files).toContain('package/dist/index.js');
    expect(files).toContain('package/dist/cli/main.js');
    expect(files.filter((file) => /^package\/(src|test|bench|scripts)\//.test(file))).toEqual([]);
    const installed = await fs.readdir(path.join(installedDir, '..'));
    for (const dev of ['vitest', 'typescript', 'opencode-ai', 'tsx', 'esbuild', 'playwright-core']) expect(installed).not.toContain(dev);
  });

  it('runs its command-line tool from the install', async () => {
    const manifest = JSON.parse(await fs.readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect((await run(['--version'])).stdout.trim()).toBe(manifest.version);
    expect((await run(['--help'])).stdout).toContain('Usage: opencode-multi-auth <command>');
  });

  it('signs in with the installed tool, and the real opencode binary serves a reply through the installed plugin', async () => {
    const login = await run(['login', 'packed', '--headless']);
    expect(login.stdout).toContain('added as packed');

    const doctor = DoctorJsonSchema.parse(
      JSON.parse(
        (await run(['doctor', '--json'], { ...home.env, OPENCODE_DISABLE_PROJECT_CONFIG: '1' }).catch((error: unknown) => error as { stdout: string })).stdout,
      ),
    );
    expect(doctor.checks.find((check) => check.name === 'plugin')).toMatchObject({
      level: 'ok',
      message: expect.stringContaining('exists and exports the plugin') as unknown,
    });

    const reply = await runOpencode(['run', '--model', 'openai/gpt-5.4', 'say hi'], home);
    expect(reply.stdout).toContain('Hello from acct-packed.');
    expect(reply.code).toBe(0);
    expect(sim.log.filter((entry) => entry.route === 'responses' && entry.headers['chatgpt-account-id'] === 'acct-packed').length).toBeGreaterThan(0);
  });
});
