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

/** The tokens to import were issued before the ones already stored: they have most likely been spent. */
export class OlderTokensError extends Error {
  override readonly name = 'OlderTokensError';
  constructor(
    readonly alias: string,
    /** When the tokens to import were issued, epoch ms. */
    readonly importedIssuedAt: number,
    /** When the stored tokens were obtained, epoch ms. */
    readonly storedObtainedAt: number,
  ) {
    super(
      `The tokens to import are older than the ones stored for "${alias}", which were rotated or signed in since: they have most likely been spent already. Nothing was changed.`,
    );
  }
}
