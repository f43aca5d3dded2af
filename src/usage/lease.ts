import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { isProcessAlive } from '../store/file-lock.js';

/*
 * A machine-wide lease: at most one process does a job (background usage polling) at a time, so ten
 * OpenCode windows do not poll ten times. The holder renews it every round; a lease whose expiry
 * passed, or whose holder process is gone, may be taken over.
 *
 * Taking over is write-temp-then-rename followed by a re-read, so two processes racing for an
 * expired lease can both believe they hold it for at most one round; the next renewal settles it
 * (a renewal only succeeds while the file still names us).
 */

export const LeaseRecordSchema = z.object({
  pid: z.number().int(),
  /** Random per holder, so two holders in one process (two plugin instances) are told apart. */
  owner: z.string().min(1),
  /** Epoch ms. */
  expiresAt: z.number(),
});
export type LeaseRecord = z.infer<typeof LeaseRecordSchema>;

export type LeaseDecision = 'take' | 'renew' | 'held-by-other';

/** Pure: whether `owner` may write the lease now, given what the file says. */
export function leaseDecision(record: LeaseRecord | undefined, owner: string, now: number, isAlive: (pid: number) => boolean): LeaseDecision {
  if (!record) return 'take';
  if (record.owner === owner) return 'renew';
  if (record.expiresAt <= now) return 'take';
  if (!isAlive(record.pid)) return 'take';
  return 'held-by-other';
}

export interface LeaseFileOptions {
  file: string;
  clock: Clock;
  /** How long a lease lasts without renewal. */
  durationMs: number;
  /** For tests. Default process.pid and a random id. */
  pid?: number;
  owner?: string;
  isAlive?: (pid: number) => boolean;
}

export class LeaseFile {
  readonly owner: string;
  readonly #options: LeaseFileOptions;
  readonly #pid: number;
  readonly #isAlive: (pid: number) => boolean;

  constructor(options: LeaseFileOptions) {
    this.#options = options;
    this.owner = options.owner ?? randomUUID();
    this.#pid = options.pid ?? process.pid;
    this.#isAlive = options.isAlive ?? isProcessAlive;
  }

  async read(): Promise<LeaseRecord | undefined> {
    try {
      const parsed = LeaseRecordSchema.safeParse(JSON.parse(await fs.readFile(this.#options.file, 'utf8')));
      return parsed.success ? parsed.data : undefined;
    } catch {
      // Missing or torn: nobody holds a lease we can read.
      return undefined;
    }
  }

  /** Takes or renews the lease; false when another live process holds it. */
  async acquire(): Promise<boolean> {
    const now = this.#options.clock.now();
    const decision = leaseDecision(await this.read(), this.owner, now, this.#isAlive);
    if (decision === 'held-by-other') return false;
    const record: LeaseRecord = { pid: this.#pid, owner: this.owner, expiresAt: now + this.#options.durationMs };
    await fs.mkdir(path.dirname(this.#options.file), { recursive: true, mode: 0o700 });
    const temp = `${this.#options.file}.${this.owner}.tmp`;
    await fs.writeFile(temp, JSON.stringify(record), { mode: 0o600 });
    await fs.rename(temp, this.#options.file);
    return (await this.read())?.owner === this.owner;
  }

  /** Gives the lease up if we hold it, so another process can take over at once. */
  async release(): Promise<void> {
    if ((await this.read())?.owner !== this.owner) return;
    await fs.rm(this.#options.file, { force: true });
  }
}
