import { redact } from '../log/redact.js';

/**
 * The account store exists but cannot be used: bad JSON, a shape the schema rejects, or a version
 * newer than this build. The file itself is never overwritten; a copy is set aside first.
 */
export class StoreUnreadableError extends Error {
  override readonly name = 'StoreUnreadableError';
  readonly filePath: string;
  /** What is wrong with the file, in words (never its contents). */
  readonly problem: string;
  /** Where the unreadable file was copied before anything else happened. */
  readonly copiedTo?: string;
  /** A copy of the last contents that did read, offered for recovery. */
  readonly lastKnownGood?: string;

  constructor(details: { filePath: string; problem: string; copiedTo?: string; lastKnownGood?: string }) {
    const problem = redact(details.problem);
    const parts = [`Cannot read the account store ${details.filePath}: ${problem}.`, 'The file was left untouched.'];
    if (details.copiedTo) parts.push(`A copy was saved to ${details.copiedTo}.`);
    if (details.lastKnownGood) {
      parts.push(`The last copy that read correctly is ${details.lastKnownGood}: to recover, check it and copy it over ${details.filePath}.`);
    } else {
      parts.push(`Fix the file, or move it away and sign in again.`);
    }
    super(parts.join(' '));
    this.filePath = details.filePath;
    this.problem = problem;
    this.copiedTo = details.copiedTo;
    this.lastKnownGood = details.lastKnownGood;
  }
}

/** Another process held the lock for longer than we were willing to wait, and it did not look dead. */
export class StoreLockTimeoutError extends Error {
  override readonly name = 'StoreLockTimeoutError';
  constructor(
    readonly lockPath: string,
    readonly waitedMs: number,
    readonly holder?: { pid?: number; host?: string; since?: number },
  ) {
    const who = holder?.pid ? ` (held by pid ${holder.pid}${holder.host ? ` on ${holder.host}` : ''})` : '';
    super(`Timed out after ${waitedMs} ms waiting for the lock ${lockPath}${who}. ` + `If no opencode-multi-auth process is running, delete that file.`);
  }
}

/** A rename or alias change would give two accounts the same alias. */
export class AliasTakenError extends Error {
  override readonly name = 'AliasTakenError';
  constructor(
    readonly alias: string,
    readonly takenBy: string,
  ) {
    super(`The alias "${alias}" is already used by account ${takenBy}. Choose another alias.`);
  }
}

/** A mutation named an account the store does not hold. */
export class AccountNotFoundError extends Error {
  override readonly name = 'AccountNotFoundError';
  constructor(readonly account: string) {
    super(`No account "${account}" in the store. List accounts with "opencode-multi-auth list".`);
  }
}

/** A mutation left the data in a shape the schema rejects; nothing was written. */
export class StoreInvalidWriteError extends Error {
  override readonly name = 'StoreInvalidWriteError';
  constructor(
    readonly filePath: string,
    readonly problem: string,
  ) {
    super(`Refused to write ${filePath}: the new contents would not be a valid store (${redact(problem)}). This is a bug; nothing was written.`);
  }
}
