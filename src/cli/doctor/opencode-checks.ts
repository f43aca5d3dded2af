import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fetchBypasses } from '../../plugin/fetch-bypass.js';
import { packageVersion } from '../../plugin/version.js';
import { classifyOpenAiRecord, readOpenCodeAuth } from '../../signin/opencode-auth-record.js';
import { fail, ok, warn, type Check, type DoctorCheck, type DoctorRun } from './check.js';
import {
  classifySpec,
  isOurSpec,
  openCodeConfigCandidates,
  openCodeInstallDir,
  PACKAGE_NAME,
  parseJsonc,
  pluginSpecs,
  projectConfigCandidates,
  type PluginSpec,
} from './opencode-config.js';

/** The root of this package (three levels above dist/cli/doctor). */
function packageDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

const README_INSTALL = 'see "Install in OpenCode" in the README';

/** A config OpenCode reads, with where it came from. */
interface ConfigSource {
  label: string;
  /** The folder relative paths are resolved against. */
  base: string;
  text: string;
}

async function configSources(run: DoctorRun): Promise<{ sources: ConfigSource[]; looked: string[] }> {
  const { env } = run.context;
  const sources: ConfigSource[] = [];
  const looked: string[] = [];
  const files = [
    ...openCodeConfigCandidates(env),
    ...(env.OPENCODE_CONFIG ? [path.resolve(env.OPENCODE_CONFIG)] : []),
    ...projectConfigCandidates(env, process.cwd(), (dir) => existsSync(path.join(dir, '.git'))),
  ];
  for (const file of files) {
    looked.push(file);
    const text = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined) sources.push({ label: file, base: path.dirname(file), text });
  }
  if (env.OPENCODE_CONFIG_CONTENT) sources.push({ label: 'OPENCODE_CONFIG_CONTENT', base: process.cwd(), text: env.OPENCODE_CONFIG_CONTENT });
  return { sources, looked };
}

/** The name in the package.json nearest above `file` (without running any of its code). */
async function packageNameOf(file: string): Promise<string | undefined> {
  for (let dir = path.dirname(file), i = 0; i < 4; dir = path.dirname(dir), i++) {
    const manifest = await fs
      .readFile(path.join(dir, 'package.json'), 'utf8')
      .then((text) => JSON.parse(text) as { name?: string })
      .catch(() => undefined);
    if (manifest) return manifest.name;
  }
  return undefined;
}

/** Whether a module's default export is this plugin (`{ id, server }`), importing it in this process. */
async function exportsThePlugin(file: string): Promise<{ ok: true } | { ok: false; problem: string }> {
  try {
    const module = (await import(pathToFileURL(file).href)) as { default?: { id?: unknown; server?: unknown } };
    if (module.default?.id === PACKAGE_NAME && typeof module.default.server === 'function') return { ok: true };
    return { ok: false, problem: `it does not export the ${PACKAGE_NAME} plugin` };
  } catch (error) {
    return { ok: false, problem: `importing it failed: ${(error as Error).message.split('\n')[0]}` };
  }
}

interface RegistryAnswer {
  kind: 'found' | 'no-package' | 'no-version' | 'unreachable';
  latest?: string;
  detail?: string;
}

/** Asks the npm registry (npm_config_registry, else registry.npmjs.org) whether OpenCode could install `spec`. */
async function askRegistry(run: DoctorRun, spec: Extract<PluginSpec, { kind: 'npm' }>): Promise<RegistryAnswer> {
  const env = run.context.env;
  const registry = (env.npm_config_registry || env.NPM_CONFIG_REGISTRY || 'https://registry.npmjs.org').replace(/\/+$/, '');
  try {
    const response = await run.context.fetch(`${registry}/${spec.name.replace('/', '%2f')}`, {
      signal: AbortSignal.timeout(8_000),
      headers: { accept: 'application/json' },
    });
    if (response.status === 404) return { kind: 'no-package' };
    if (!response.ok) return { kind: 'unreachable', detail: `${registry} answered ${response.status}` };
    const body = (await response.json()) as { versions?: Record<string, unknown>; 'dist-tags'?: Record<string, string> };
    const latest = body['dist-tags']?.latest;
    const known = spec.version in (body.versions ?? {}) || spec.version in (body['dist-tags'] ?? {}) || /[\^~<>=*x ]/.test(spec.version);
    return { kind: known ? 'found' : 'no-version', latest };
  } catch (error) {
    return { kind: 'unreachable', detail: `${registry}: ${(error as Error).message}` };
  }
}

async function checkNpmSpec(run: DoctorRun, spec: Extract<PluginSpec, { kind: 'npm' }>, where: string): Promise<Check> {
  const name = 'plugin';
  const installed = openCodeInstallDir(run.context.env, spec.name, spec.version);
  const manifest = await fs
    .readFile(path.join(installed, 'package.json'), 'utf8')
    .then((text) => JSON.parse(text) as { version?: string; main?: string; exports?: unknown })
    .catch(() => undefined);
  if (manifest) {
    const entry = path.join(installed, manifest.main ?? 'dist/index.js');
    const loads = await exportsThePlugin(entry);
    if (!loads.ok)
      return fail(
        name,
        `"${spec.spec}" (${where}) is installed in ${installed}, but ${loads.problem}.`,
        `Delete ${path.dirname(path.dirname(installed))} so OpenCode installs it again.`,
      );
    const mine = packageVersion();
    if (manifest.version && manifest.version !== mine)
      return warn(
        name,
        `OpenCode runs ${PACKAGE_NAME} ${manifest.version} ("${spec.spec}", ${where}); this tool is ${mine}.`,
        'Use one version: pin the same version in the config, or update this tool.',
      );
    return ok(name, `"${spec.spec}" (${where}) is installed by OpenCode (${manifest.version ?? '?'}) and exports the plugin.`);
  }
  if (run.offline)
    return warn(
      name,
      `"${spec.spec}" (${where}) is not installed yet; OpenCode installs it from npm on its next start (not checked: --offline).`,
      'Run `opencode-multi-auth doctor` without --offline to check that it can be installed.',
    );
  const answer = await askRegistry(run, spec);
  switch (answer.kind) {
    case 'found':
      return ok(name, `"${spec.spec}" (${where}) is not installed yet; OpenCode installs it from npm on its next start.`);
    case 'no-package':
      return fail(
        name,
        `"${spec.spec}" (${where}) is not on the npm registry, so OpenCode cannot install it: the plugin will not load.`,
        `Install from a clone or a packed tarball and load it by path; ${README_INSTALL}.`,
      );
    case 'no-version':
      return fail(
        name,
        `"${spec.spec}" (${where}): version ${spec.version} does not exist on npm${answer.latest ? ` (latest: ${answer.latest})` : ''}, so OpenCode cannot install it.`,
        `Use "${spec.name}" or "${spec.name}@${answer.latest ?? '<version>'}" in ${where}.`,
      );
    case 'unreachable':
      return warn(
        name,
        `"${spec.spec}" (${where}) is not installed yet, and the npm registry could not be asked (${answer.detail}).`,
        'OpenCode needs the registry to install it; check the network.',
      );
  }
}

async function checkFileSpec(spec: Extract<PluginSpec, { kind: 'file' }>, where: string): Promise<Check> {
  const name = 'plugin';
  const stat = await fs.stat(spec.path).catch(() => undefined);
  if (!stat)
    return fail(
      name,
      `"${spec.spec}" (${where}): ${spec.path} does not exist, so OpenCode cannot load the plugin.`,
      `Build it (\`npm ci && npm run build\` in the clone) or fix the path; ${README_INSTALL}.`,
    );
  if (!stat.isFile())
    return fail(name, `"${spec.spec}" (${where}): ${spec.path} is not a file.`, `Point at the built entry, .../dist/index.js; ${README_INSTALL}.`);
  const loads = await exportsThePlugin(spec.path);
  if (!loads.ok)
    return fail(
      name,
      `"${spec.spec}" (${where}): ${spec.path} exists, but ${loads.problem}.`,
      `Point at the built entry, .../dist/index.js; ${README_INSTALL}.`,
    );
  return ok(name, `"${spec.spec}" (${where}) exists and exports the plugin.`);
}

/**
 * Whether OpenCode loads the plugin as configured: every config it reads (global, OPENCODE_CONFIG,
 * project-level, OPENCODE_CONFIG_CONTENT), every spec in them that names this plugin, and whether each
 * can actually load (a file that exists and exports it; a package installed, or installable from npm).
 */
export const checkOpenCodeConfig: DoctorCheck = async (run) => {
  const { sources, looked } = await configSources(run);
  const checks: Check[] = [];
  const ours: { spec: PluginSpec; where: string }[] = [];
  for (const source of sources) {
    let config: unknown;
    try {
      config = parseJsonc(source.text);
    } catch (error) {
      checks.push(
        fail('opencode config', `${source.label} is not valid JSON: ${(error as Error).message}.`, `Fix ${source.label}; OpenCode cannot read it either.`),
      );
      continue;
    }
    for (const text of pluginSpecs(config)) {
      const spec = classifySpec(text, source.base);
      // A file plugin that does not exist breaks OpenCode's start whichever plugin it was meant to be.
      if (isOurSpec(spec, packageDir()) || (spec.kind === 'file' && (!existsSync(spec.path) || (await packageNameOf(spec.path)) === PACKAGE_NAME)))
        ours.push({ spec, where: source.label });
    }
  }
  if (ours.length === 0) {
    const found = sources.map((source) => source.label);
    checks.push(
      fail(
        'opencode config',
        found.length === 0
          ? `No OpenCode config found (looked for ${looked.slice(0, 2).join(', ')} and ./opencode.json).`
          : `The plugin is not in the "plugin" list of ${found.join(', ')}.`,
        `Add the plugin to the "plugin" list in ${openCodeConfigCandidates(run.context.env)[0]}; ${README_INSTALL}.`,
      ),
    );
    return checks;
  }
  for (const { spec, where } of ours) checks.push(spec.kind === 'npm' ? await checkNpmSpec(run, spec, where) : await checkFileSpec(spec, where));
  const loading = ours.filter((_entry, index) => checks[checks.length - ours.length + index]!.level !== 'fail');
  if (loading.length > 1)
    checks.push(
      warn(
        'plugin',
        `The plugin is configured ${loading.length} times (${loading.map((entry) => entry.where).join(', ')}); OpenCode would load it more than once.`,
        'Keep one entry.',
      ),
    );
  return checks;
};

/** OpenCode only calls the plugin's loader when its auth.json has an `openai` record. */
export const checkOpenCodeAuth: DoctorCheck = async ({ context }) => {
  const name = 'opencode auth';
  try {
    const file = await readOpenCodeAuth(context.env);
    const record = classifyOpenAiRecord(file.data);
    switch (record.kind) {
      case 'placeholder':
        return [ok(name, `${file.filePath} has the "openai" placeholder.`)];
      case 'missing':
        return [
          fail(
            name,
            `${file.filePath} has no "openai" record, so OpenCode never calls the plugin.`,
            'Run `opencode-multi-auth login` (or an import); it adds the placeholder.',
          ),
        ];
      case 'oauth':
        return [
          warn(
            name,
            `${file.filePath} holds OpenCode's own ChatGPT sign-in${record.email ? ` (${record.email})` : ''}; OpenCode and the plugin may both spend its refresh token.`,
            'Run `opencode-multi-auth import opencode` to move it here.',
          ),
        ];
      case 'api-key':
        return [ok(name, `${file.filePath} has an OpenAI API key as its "openai" record; the plugin loads with it.`)];
      case 'other':
        return [
          warn(
            name,
            `${file.filePath} has an "openai" record of type "${record.type}".`,
            'If the plugin does not load, run `opencode auth logout`, then `opencode-multi-auth login`.',
          ),
        ];
    }
  } catch (error) {
    return [fail(name, (error as Error).message, 'Fix or move the file, then run `opencode-multi-auth login`.')];
  }
};

/**
 * OpenCode's version: from the npm package the `opencode` on the PATH belongs to (`opencode-ai`, read
 * at once), else by asking `opencode --version` (a few seconds). Undefined when there is none.
 */
async function openCodeVersion(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const real = await fs.realpath(path.join(dir, 'opencode')).catch(() => undefined);
    if (!real) continue;
    for (let up = path.dirname(real), i = 0; i < 3; up = path.dirname(up), i++) {
      const manifest = await fs
        .readFile(path.join(up, 'package.json'), 'utf8')
        .then((text) => JSON.parse(text) as { name?: string; version?: string })
        .catch(() => undefined);
      if (manifest?.name?.startsWith('opencode') && manifest.version) return manifest.version;
    }
    break;
  }
  return askOpenCodeVersion(env);
}

/** `opencode --version`, or undefined when it is not on the PATH or does not answer in time. */
function askOpenCodeVersion(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn('opencode', ['--version'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? /\d+\.\d+\.\d+\S*/.exec(out)?.[0] : undefined);
    });
  });
}

const MIN_OPENCODE = [1, 18] as const;

/** The versions in play: this plugin's, and OpenCode's (which must be 1.18 or later). */
export const checkVersions: DoctorCheck = async ({ context }) => {
  const mine = `${PACKAGE_NAME} ${packageVersion()}`;
  const version = await openCodeVersion(context.env);
  if (!version)
    return [
      warn(
        'versions',
        `${mine}; OpenCode: \`opencode --version\` did not answer (not on the PATH?).`,
        `Install OpenCode ${MIN_OPENCODE.join('.')} or later, or put it on the PATH.`,
      ),
    ];
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major < MIN_OPENCODE[0] || (major === MIN_OPENCODE[0] && minor < MIN_OPENCODE[1]))
    return [fail('versions', `${mine}; OpenCode ${version} is older than ${MIN_OPENCODE.join('.')}.`, 'Update OpenCode (`opencode upgrade`).')];
  return [ok('versions', `${mine}; OpenCode ${version}.`)];
};

/** OpenCode settings that would route model requests around the plugin (see fetch-bypass.ts). */
export const checkFetchBypass: DoctorCheck = ({ context }) => {
  const bypasses = fetchBypasses(context.env);
  if (bypasses.length === 0) return Promise.resolve([ok('opencode fetch', "Nothing in this environment keeps OpenCode from calling the plugin's fetch.")]);
  return Promise.resolve([
    warn(
      'opencode fetch',
      bypasses.map((bypass) => `${bypass.variable}=${bypass.value} is set: ${bypass.why}, so no account of this plugin is used.`).join(' '),
      `Unset ${bypasses.map((bypass) => bypass.variable).join(' and ')} in the environment OpenCode starts from.`,
    ),
  ]);
};
