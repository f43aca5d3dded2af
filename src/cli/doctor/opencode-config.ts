import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package name OpenCode's `plugin` list must mention. */
export const PACKAGE_NAME = 'opencode-multi-auth-codex';

/** Where OpenCode reads its global config: `$XDG_CONFIG_HOME/opencode`, else `~/.config/opencode`. */
export function openCodeConfigCandidates(env: NodeJS.ProcessEnv): string[] {
  const dir = path.join(env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config'), 'opencode');
  return [path.join(dir, 'opencode.json'), path.join(dir, 'opencode.jsonc')];
}

/**
 * The project-level configs OpenCode reads for a session started in `cwd`: `opencode.json(c)` and
 * `.opencode/opencode.json(c)` in `cwd` and each folder above it, up to the git root (or the file
 * system root). Nearest first. None when OPENCODE_DISABLE_PROJECT_CONFIG is set.
 */
export function projectConfigCandidates(env: NodeJS.ProcessEnv, cwd: string, isGitRoot: (dir: string) => boolean): string[] {
  if (env.OPENCODE_DISABLE_PROJECT_CONFIG && env.OPENCODE_DISABLE_PROJECT_CONFIG !== '0' && env.OPENCODE_DISABLE_PROJECT_CONFIG !== 'false') return [];
  const files: string[] = [];
  let dir = path.resolve(cwd);
  for (;;) {
    for (const name of ['opencode.json', 'opencode.jsonc', path.join('.opencode', 'opencode.json'), path.join('.opencode', 'opencode.jsonc')])
      files.push(path.join(dir, name));
    const parent = path.dirname(dir);
    if (isGitRoot(dir) || parent === dir) return files;
    dir = parent;
  }
}

/** Parses JSON with comments and trailing commas (OpenCode's `opencode.jsonc`). Throws SyntaxError. Pure. */
export function parseJsonc(text: string): unknown {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (char === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (char === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else {
      out += char;
    }
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1')) as unknown;
}

/** Every plugin spec in a config's `plugin` list (`"x"` or `["x", {options}]`). Pure. */
export function pluginSpecs(config: unknown): string[] {
  if (!config || typeof config !== 'object') return [];
  const plugins = (config as { plugin?: unknown }).plugin;
  if (!Array.isArray(plugins)) return [];
  return plugins.map((entry: unknown): unknown => (Array.isArray(entry) ? entry[0] : entry)).filter((spec): spec is string => typeof spec === 'string');
}

/** A plugin spec, classified: an npm package (with its version or tag, default `latest`) or a file. */
export type PluginSpec = { kind: 'npm'; spec: string; name: string; version: string } | { kind: 'file'; spec: string; path: string };

/** Reads one spec. `base` resolves a relative path (the config's folder). Pure. */
export function classifySpec(spec: string, base: string): PluginSpec {
  if (spec.startsWith('file://')) {
    let filePath: string;
    try {
      filePath = fileURLToPath(spec);
    } catch {
      filePath = spec.slice('file://'.length);
    }
    return { kind: 'file', spec, path: path.resolve(base, filePath) };
  }
  if (spec.startsWith('/') || spec.startsWith('./') || spec.startsWith('../') || spec.startsWith('~/')) {
    return { kind: 'file', spec, path: spec.startsWith('~/') ? path.join(os.homedir(), spec.slice(2)) : path.resolve(base, spec) };
  }
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  return at < 0
    ? { kind: 'npm', spec, name: spec, version: 'latest' }
    : { kind: 'npm', spec, name: spec.slice(0, at), version: spec.slice(at + 1) || 'latest' };
}

/**
 * Whether a config's `plugin` list loads this package: an npm spec naming it (`opencode-multi-auth-codex`,
 * `opencode-multi-auth-codex@1.2.3`, `["opencode-multi-auth-codex", {...}]`) or a file path inside `packageDir`
 * or naming the package. Pure.
 */
export function findPluginSpec(config: unknown, packageDir: string): string | undefined {
  return pluginSpecs(config).find((spec) => isOurSpec(classifySpec(spec, '/'), packageDir));
}

/** Whether a spec names this plugin. Pure. */
export function isOurSpec(spec: PluginSpec, packageDir: string): boolean {
  if (spec.kind === 'npm') return spec.name === PACKAGE_NAME;
  return spec.path === packageDir || spec.path.startsWith(`${packageDir}${path.sep}`) || spec.path.includes(`${path.sep}${PACKAGE_NAME}`);
}

/** Where OpenCode 1.18 installs an npm plugin (seen here): `$XDG_CACHE_HOME/opencode/packages/<name>@<version>/node_modules/<name>`. */
export function openCodeInstallDir(env: NodeJS.ProcessEnv, name: string, version: string): string {
  const cacheHome = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.join(cacheHome, 'opencode', 'packages', `${name}@${version}`, 'node_modules', name);
}
