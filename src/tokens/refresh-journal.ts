import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { syncDirectory, writeFileAtomicSync } from '../store/atomic-write.js';
import { TokensSchema, type Tokens } from '../store/schema.js';

/*
 * A refresh spends a single-use refresh token. Between the issuer spending it and the new token set
 * reaching accounts.json, the only copy of the account lives in one process's memory. The journal
 * closes that gap: written under the account's refresh lease, it says on disk "this token is being
 * spent" before the issuer is called, and holds the issuer's answer the moment it arrives, in one
 * fsync'd write. A later holder of the lease reads it and knows what happened to a holder that died.
 */

/** What identifies the refresh token being spent, without storing it twice: a hash prefix. */
export function tokenFingerprint(refreshToken: string): string {
  return createHash('sha256').update(refreshToken).digest('hex').slice(0, 24);
}

const JournalBase = {
  accountId: z.string().min(1),
  /** The process that called the issuer, and where. */
  pid: z.number().int(),
  host: z.string(),
  /** When the refresh token was handed to the issuer, epoch ms. */
  sentAt: z.number(),
  /** {@link tokenFingerprint} of the refresh token being spent. */
  spent: z.string().min(1),
};

export const RefreshJournalSchema = z.discriminatedUnion('phase', [
  /** The refresh token is on its way to the issuer (or was): it may be spent. */
  z.object({ ...JournalBase, phase: z.literal('sent') }),
  /** The issuer answered: these are the new tokens, saved before anything else happened. */
  z.object({ ...JournalBase, phase: z.literal('answered'), answeredAt: z.number(), tokens: TokensSchema }),
]);
export type RefreshJournal = z.infer<typeof RefreshJournalSchema>;

export type JournalVerdict =
  /** The store already holds a newer token set than the one spent (a sign-in, or the answer was saved): nothing to do. */
  | { action: 'discard' }
  /** The answer arrived and was journaled, but the store never got it: save it now. */
  | { action: 'adopt'; tokens: Tokens }
  /**
   * The refresh token was sent and no answer was saved. The issuer may have spent it, and nothing on
   * this machine can tell: sending it again would revoke the account if it was. Never spend it.
   */
  | { action: 'interrupted' };

/** Pure: what a lease holder must do with a journal left by a holder that is gone, given the stored tokens. */
export function judgeJournal(journal: RefreshJournal, stored: Tokens): JournalVerdict {
  if (tokenFingerprint(stored.refreshToken) !== journal.spent) return { action: 'discard' };
  if (journal.phase === 'answered') return { action: 'adopt', tokens: journal.tokens };
  return { action: 'interrupted' };
}

/** The reason stored on an account whose refresh was interrupted; starts with {@link REFRESH_INTERRUPTED}. */
export const REFRESH_INTERRUPTED = 'refresh interrupted';

/** Pure: the sentence the user reads (status, doctor, errors) for an interrupted refresh. Never a token. */
export function interruptedReason(journal: Pick<RefreshJournal, 'pid' | 'host' | 'sentAt'>): string {
  return (
    `${REFRESH_INTERRUPTED} at ${new Date(journal.sentAt).toISOString()}: process ${journal.pid} on ${journal.host} sent the refresh token ` +
    'to the issuer and stopped before saving the answer, so the token may be spent and sending it again would revoke the account'
  );
}

export function isInterruptedReason(reason: string | undefined): boolean {
  return reason?.startsWith(REFRESH_INTERRUPTED) === true;
}

/** The lease and journal files of one account's refresh, in the store's `locks` folder. */
export function refreshFiles(leaseDir: string, accountId: string): { lease: string; journal: string } {
  // Account ids hold ':' and arbitrary characters; a hash keeps the file name portable.
  const safe = accountId.replace(/[^\w.-]/g, '_').slice(0, 40);
  const hash = createHash('sha256').update(accountId).digest('hex').slice(0, 12);
  const base = path.join(leaseDir, `refresh-${safe}-${hash}`);
  return { lease: `${base}.lock`, journal: `${base}.journal` };
}

export const JOURNAL_EXTENSION = '.journal';

/** The journal, or undefined when there is none. A journal that does not parse is reported as `unreadable`. */
export async function readJournal(file: string): Promise<RefreshJournal | 'unreadable' | undefined> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = RefreshJournalSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/**
 * The "sent" journal: durable contents, then the rename. The rename is the last step before the token
 * leaves, and the folder's fsync (which makes the rename survive a power cut) runs while the request
 * is in flight: await the returned promise after sending. Synchronous up to the rename.
 */
export function writeSentJournal(file: string, journal: RefreshJournal): Promise<void> {
  writeFileAtomicSync(file, JSON.stringify(journal), 0o600, { syncFolder: false });
  return syncDirectory(path.dirname(file));
}

/**
 * The "answered" journal, the moment the answer is in: renamed first, so a process killed from the
 * next instruction on leaves the answer complete (it is in the page cache), then fsync'd, file and
 * folder. A power cut before the fsync can at worst leave an empty or torn journal, which a later
 * holder reads as "unknown": the token is then never sent again, never spent blindly.
 * Synchronous: no other task of this process can get in between.
 */
export function writeAnsweredJournal(file: string, journal: RefreshJournal): void {
  writeFileAtomicSync(file, JSON.stringify(journal), 0o600, { order: 'rename-then-fsync' });
}

/** Durable when it returns: temp file, fsync, rename, fsync of the folder. Mode 0600. */
export function writeJournal(file: string, journal: RefreshJournal): void {
  writeFileAtomicSync(file, JSON.stringify(journal), 0o600);
}

export async function removeJournal(file: string): Promise<void> {
  await fs.promises.unlink(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

/** The journal a process writes before it calls the issuer. */
export function sentJournal(accountId: string, refreshToken: string, sentAt: number): RefreshJournal {
  return { phase: 'sent', accountId, pid: process.pid, host: os.hostname(), sentAt, spent: tokenFingerprint(refreshToken) };
}
