import os from 'node:os';
import path from 'node:path';

/** The package name OpenCode's `plugin` list must mention. */
export const PACKAGE_NAME = 'opencode-multi-auth-codex';

/** Where OpenCode reads its global config: `$XDG_CONFIG_HOME/opencode`, else `~/.config/opencode`. */
export function openCodeConfigCandidates(env: NodeJS.ProcessEnv): string[] {
  const dir = path.join(env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config'), 'opencode');
  return [path.join(dir, 'opencode.json'), path.join(dir, 'opencode.jsonc')];
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
  return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
}

/**
 * Whether a config's `plugin` list loads this package: an npm spec naming it (`opencode-multi-auth-codex`,
 * `opencode-multi-auth-codex@1.2.3`, `["opencode-multi-auth-codex", {...}]`) or a file path inside `packageDir`. Pure.
 */
export function findPluginSpec(config: unknown, packageDir: string): string | undefined {
  if (!config || typeof config !== 'object') return undefined;
  const plugins = (config as { plugin?: unknown }).plugin;
  if (!Array.isArray(plugins)) return undefined;
  for (const entry of plugins) {
    const spec = Array.isArray(entry) ? entry[0] : entry;
    if (typeof spec !== 'string') continue;
    if (spec.includes(PACKAGE_NAME)) return spec;
    const filePath = spec.startsWith('file://') ? decodeURIComponent(new URL(spec).pathname) : path.isAbsolute(spec) ? spec : undefined;
    if (filePath && (filePath === packageDir || filePath.startsWith(`${packageDir}${path.sep}`))) return spec;
  }
  return undefined;
}
