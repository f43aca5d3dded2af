import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The real OpenCode binary from the `opencode-ai` devDependency. */
export const OPENCODE_BIN = path.join(ROOT, 'node_modules', '.bin', 'opencode');
/** The built plugin, loaded by path as a user with a local checkout would. */
export const PLUGIN_URL = pathToFileURL(path.join(ROOT, 'dist', 'index.js')).href;

/**
 * OpenCode installs `@opencode-ai/plugin` into its config dir on the first run in a new home, which
 * takes most of a run. The first install is kept here and later homes link to it.
 */
const CONFIG_TEMPLATE = path.join(os.tmpdir(), 'omac-opencode-config-1.18.33');
const TEMPLATE_FILES = ['package.json', 'package-lock.json', 'bun.lock', '.gitignore'];

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

async function useConfigTemplate(configDir: string): Promise<void> {
  if (!(await exists(path.join(CONFIG_TEMPLATE, 'node_modules')))) return;
  await fs.mkdir(configDir, { recursive: true });
  for (const file of TEMPLATE_FILES) {
    if (await exists(path.join(CONFIG_TEMPLATE, file))) await fs.copyFile(path.join(CONFIG_TEMPLATE, file), path.join(configDir, file));
  }
  await fs.symlink(path.join(CONFIG_TEMPLATE, 'node_modules'), path.join(configDir, 'node_modules'));
}

async function keepConfigTemplate(configDir: string): Promise<void> {
  if ((await exists(CONFIG_TEMPLATE)) || !(await exists(path.join(configDir, 'node_modules', '@opencode-ai', 'plugin')))) return;
  const staging = `${CONFIG_TEMPLATE}.${process.pid}.${Date.now()}`;
  await fs.cp(configDir, staging, { recursive: true, verbatimSymlinks: true });
  await fs.rename(staging, CONFIG_TEMPLATE).catch(() => fs.rm(staging, { recursive: true, force: true }));
}

export interface IsolatedHome {
  root: string;
  storeDir: string;
  env: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

/**
 * A temp home for one OpenCode run: every XDG dir inside it, OpenCode's background downloads off,
 * the plugin configured by path, and the placeholder `openai` record that makes OpenCode call our loader.
 */
export async function isolatedHome(extraEnv: NodeJS.ProcessEnv = {}, opencodeConfig: Record<string, unknown> = {}): Promise<IsolatedHome> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'omac-e2e-'));
  const dirs = {
    HOME: root,
    XDG_CONFIG_HOME: `${root}/config`,
    XDG_DATA_HOME: `${root}/data`,
    XDG_CACHE_HOME: `${root}/cache`,
    XDG_STATE_HOME: `${root}/state`,
  };
  for (const dir of Object.values(dirs)) await fs.mkdir(dir, { recursive: true });
  await fs.mkdir(`${dirs.XDG_DATA_HOME}/opencode`, { recursive: true });
  await fs.writeFile(`${dirs.XDG_DATA_HOME}/opencode/auth.json`, JSON.stringify({ openai: { type: 'api', key: 'opencode-multi-auth-codex' } }), {
    mode: 0o600,
  });
  await useConfigTemplate(`${dirs.XDG_CONFIG_HOME}/opencode`);
  const storeDir = path.join(root, 'store');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    ...dirs,
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    OPENCODE_DISABLE_SHARE: '1',
    OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
    OPENCODE_DISABLE_CLAUDE_CODE: '1',
    OPENCODE_DISABLE_EXTERNAL_SKILLS: '1',
    OPENCODE_DISABLE_PROJECT_CONFIG: '1',
    OPENCODE_CONFIG_CONTENT: JSON.stringify({ plugin: [PLUGIN_URL], autoupdate: false, share: 'disabled', ...opencodeConfig }),
    OPENCODE_MULTI_AUTH_STORE_DIR: storeDir,
    OPENCODE_MULTI_AUTH_LOG_FILE: path.join(root, 'plugin.log'),
    OPENCODE_MULTI_AUTH_LOG_LEVEL: 'debug',
    ...extraEnv,
  };
  return { root, storeDir, env, cleanup: () => fs.rm(root, { recursive: true, force: true }) };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `opencode` binary to completion (bounded by `timeoutMs`). */
export function runOpencode(args: string[], home: IsolatedHome, timeoutMs = 90_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(OPENCODE_BIN, args, { env: home.env, cwd: home.root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      void keepConfigTemplate(`${home.env.XDG_CONFIG_HOME}/opencode`)
        .catch(() => {})
        .then(() => resolve({ code, stdout, stderr }));
    });
  });
}
