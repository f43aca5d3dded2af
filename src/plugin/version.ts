import fs from 'node:fs';

/** This package's version, read from its manifest; `0.0.0` if the manifest cannot be read. */
export function packageVersion(): string {
  try {
    const manifest: unknown = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const version = (manifest as { version?: unknown }).version;
    return typeof version === 'string' ? version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export const PACKAGE_NAME = 'opencode-multi-auth-codex';
