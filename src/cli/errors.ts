/** The command line was wrong: exit code 2, with the command's usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** The command whose help to point at. */
    readonly command?: string,
  ) {
    super(message);
  }
}

/** A command that could not do its job, with a message that says what to do. Exit code 1. */
export class CommandFailedError extends Error {
  override readonly name = 'CommandFailedError';
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
