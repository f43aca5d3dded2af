import { buildSync } from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const bundles = new Map<string, string>();

/**
 * Bundles a TypeScript script (and what it imports) into one plain .mjs file, once per test process.
 * Child processes then start as plain `node`, not through a TypeScript loader, which costs seconds
 * per process on a loaded machine: tests that start a hundred processes need that.
 */
export function bundleScript(entry: string): string {
  const cached = bundles.get(entry);
  if (cached) return cached;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omac-bundle-'));
  const outfile = path.join(dir, `${path.basename(entry, '.ts')}.mjs`);
  buildSync({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'error' });
  bundles.set(entry, outfile);
  return outfile;
}
