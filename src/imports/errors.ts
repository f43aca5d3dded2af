import { redact } from '../log/redact.js';

/** The other tool's auth file is missing, unreadable, or holds no ChatGPT sign-in. */
export class ImportSourceError extends Error {
  override readonly name = 'ImportSourceError';
  constructor(
    readonly filePath: string,
    readonly problem: string,
  ) {
    super(`Cannot import from ${filePath}: ${redact(problem)}.`);
  }
}
