import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/*
 * The page's script is TypeScript (src/dashboard/web/), bundled by esbuild into
 * dist/dashboard/web/app.js when the package is built. The published package carries the bundle;
 * nothing is compiled at run time.
 */

/** Where the bundle is, seen from this module: beside it in dist/, or in dist/ when running from src/ (tests). */
const BUNDLE_LOCATIONS = ['../web/app.js', '../../../dist/dashboard/web/app.js'];

/** The bundle was not built. */
export class WebBundleMissingError extends Error {
  override readonly name = 'WebBundleMissingError';
  constructor(readonly looked: string[]) {
    super(`The dashboard's page script is missing (looked for ${looked.join(' and ')}). Build it with \`npm run build\`.`);
  }
}

/** Reads the built page script. Throws {@link WebBundleMissingError} when it was never built. */
export async function loadWebBundle(): Promise<string> {
  const looked: string[] = [];
  for (const location of BUNDLE_LOCATIONS) {
    const file = fileURLToPath(new URL(location, import.meta.url));
    looked.push(file);
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  throw new WebBundleMissingError(looked);
}
