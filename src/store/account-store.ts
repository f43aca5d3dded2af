import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { systemClock, type Clock } from '../clock.js';
import { silentLogger, type Logger } from '../log/logger.js';
import { writeFileAtomic } from './atomic-write.js';
import { StoreInvalidWriteError, StoreUnreadableError } from './errors.js';
import { withFileLock } from './file-lock.js';
import { describePermissionFix, tightenStorePermissions, type PermissionFix } from './permissions.js';
import { StoreSchema, emptyStore, type StoreData } from './schema.js';
import { sweepAbandonedTempFiles } from './temp-files.js';
import { readStoreFile, sameSignature, saveLastKnownGood, signatureOf, type FileSignature, type StoreFileRead } from './store-file.js';

export const STORE_FILE_NAME = 'accounts.json';

export interface AccountStoreOptions {
  /** The directory holding `accounts.json` (config.storeDir). Created 0700 on the first write. */
  dir: string;
  /** Business time (corrupt-copy names, migrations). Default: the system clock. */
  clock?: Clock;
  logger?: Logger;
  /** How long deferred changes wait to be written together. Default 250 ms. */
  debounceMs?: number;
  /** Minimum time between two checks of the file for changes by other processes. Default 200 ms. */
  statIntervalMs?: number;
  /** Give up waiting for the store lock after this long. Default 20 s. */
  lockTimeoutMs?: number;
  /** A store lock held longer than this by a live process is taken to be abandoned. Default 15 s. */
  lockStaleMs?: number;
}

type Mutation = (data: StoreData) => void;

/** After a failed batched write, how long until it is tried again. */
const FLUSH_RETRY_MS = 5_000;

/** At most this often the last-known-good copy is refreshed after a write (reads refresh it when it differs). */
const LAST_GOOD_INTERVAL_MS = 60_000;

/**
 * The accounts file shared by every OpenCode window and the command-line tool on this machine.
 *
 * Every write is a read-merge-write under a cross-process lock: the mutation is applied to the
 * freshest file contents, then written atomically (temp file, fsync, rename). Hot-path changes
 * (health, usage, stats) are `defer`red and written in batches; token rotations use `update`, which
 * is durable before it resolves. Changes by other processes are noticed by the file's signature.
 */
export class AccountStore {
  readonly filePath: string;
  readonly lockPath: string;
  readonly dir: string;

  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #debounceMs: number;
  readonly #statIntervalMs: number;
  readonly #lockOptions: { staleMs: number; timeoutMs: number };

  /** The file contents as last read or written by this process. */
  #base: StoreData = emptyStore();
  /** `#base` with the not-yet-written mutations applied: what callers see. */
  #view: StoreData = emptyStore();
  #signature: FileSignature | undefined;
  #loaded = false;
  #pending: Mutation[] = [];
  /** Mutations taken by a write that has not finished; still part of the view. */
  #inflight: Mutation[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastStatAt = -Infinity;
  #checking: Promise<StoreData> | undefined;
  #writeChain: Promise<unknown> = Promise.resolve();
  #listeners = new Set<(data: StoreData) => void>();
  #lastGoodSavedAt = -Infinity;
  /** A file read in an older shape: its original text is kept beside it before the first rewrite. */
  #preMigration: { text: string; from: number | 'unversioned' } | undefined;
  #dirReady = false;
  #prepared: Promise<void> | undefined;
  /** Permissions this process had to tighten when it opened the store (for `doctor`). */
  readonly permissionFixes: PermissionFix[] = [];
  /** Abandoned temp files this process swept when it opened the store. */
  readonly sweptTempFiles: string[] = [];
  /** The last unreadable file, so it is reported (and copied aside) once rather than on every check. */
  #failed: { signature: FileSignature; error: StoreUnreadableError } | undefined;

  constructor(options: AccountStoreOptions) {
    this.dir = path.resolve(options.dir);
    this.filePath = path.join(this.dir, STORE_FILE_NAME);
    this.lockPath = `${this.filePath}.lock`;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#debounceMs = options.debounceMs ?? 250;
    this.#statIntervalMs = options.statIntervalMs ?? 200;
    this.#lockOptions = { staleMs: options.lockStaleMs ?? 15_000, timeoutMs: options.lockTimeoutMs ?? 20_000 };
  }

  /** Reads the file (a missing file is an empty store; nothing is created until the first write). Throws {@link StoreUnreadableError}. */
  async load(): Promise<StoreData> {
    await this.#prepare();
    this.#lastStatAt = performance.now();
    const read = await this.#read();
    this.#adoptRead(read);
    return this.#view;
  }

  /** The in-memory view, re-read first if another process changed the file (checked at most every `statIntervalMs`). */
  async current(): Promise<StoreData> {
    if (!this.#loaded) return this.load();
    if (performance.now() - this.#lastStatAt < this.#statIntervalMs) return this.#view;
    this.#checking ??= this.#checkForChanges().finally(() => {
      this.#checking = undefined;
    });
    return this.#checking;
  }

  /** Like {@link current}, but checks the file now whatever the interval. */
  async reload(): Promise<StoreData> {
    if (!this.#loaded) return this.load();
    // A check already under way may have read the file before a write the caller must see (the
    // refresh lease's previous holder saving its rotation): let it finish, then look again.
    await this.#checking?.catch(() => {});
    this.#lastStatAt = -Infinity;
    return this.current();
  }

  /** The in-memory view with no I/O at all (call load() first). Do not modify it; use update or defer. */
  peek(): StoreData {
    return this.#view;
  }

  /**
   * Applies `mutate` under the cross-process lock to the freshest file contents (with the pending
   * deferred mutations) and writes atomically with fsync before resolving. If `mutate` throws, the
   * deferred mutations are still written and the error is rethrown.
   */
  update(mutate?: Mutation): Promise<StoreData> {
    const run = this.#writeChain.then(() => this.#write(mutate));
    this.#writeChain = run.catch(() => {});
    return run;
  }

  /**
   * Applies `mutate` to the in-memory view at once and queues it for the next batched write, where
   * it is applied again to the freshest file contents. Use the merge-style helpers in mutations.ts.
   */
  defer(mutate: Mutation): void {
    this.#apply(mutate, this.#view);
    this.#pending.push(mutate);
    this.#scheduleFlush(this.#debounceMs);
    this.#notify();
  }

  /** Writes the deferred changes after `delayMs`; a failed write is tried again later, not dropped. */
  #scheduleFlush(delayMs: number): void {
    this.#timer ??= unrefTimer(
      setTimeout(() => {
        this.#timer = undefined;
        this.flush().catch((error: unknown) => {
          this.#logger.warn('deferred store write failed; trying again shortly', { error: describe(error) });
          if (this.#pending.length > 0) this.#scheduleFlush(FLUSH_RETRY_MS);
        });
      }, delayMs),
    );
  }

  /** Writes the deferred mutations now (and waits for writes in flight). */
  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length > 0) await this.update();
    else await this.#writeChain;
  }

  /** Flushes and stops timers. */
  async close(): Promise<void> {
    await this.flush();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  onChange(listener: (data: StoreData) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async #checkForChanges(): Promise<StoreData> {
    this.#lastStatAt = performance.now();
    let signature: FileSignature | undefined;
    try {
      signature = signatureOf(await fs.promises.stat(this.filePath));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (signature === undefined && this.#signature === undefined) return this.#view;
    if (sameSignature(signature, this.#signature)) return this.#view;
    if (signature && this.#failed && sameSignature(signature, this.#failed.signature)) throw this.#failed.error;
    this.#adoptRead(await this.#read());
    return this.#view;
  }

  async #read(): Promise<StoreFileRead> {
    if (this.#failed) {
      const stat = await fs.promises.stat(this.filePath).catch(() => undefined);
      if (stat && sameSignature(signatureOf(stat), this.#failed.signature)) throw this.#failed.error;
    }
    try {
      const read = await readStoreFile(this.filePath, this.#clock.now());
      this.#failed = undefined;
      return read;
    } catch (error) {
      if (error instanceof StoreUnreadableError) {
        const stat = await fs.promises.stat(this.filePath).catch(() => undefined);
        if (stat) this.#failed = { signature: signatureOf(stat), error };
        this.#logger.error('account store unreadable', {
          file: this.filePath,
          problem: error.problem,
          copiedTo: error.copiedTo,
          lastKnownGood: error.lastKnownGood,
        });
      }
      throw error;
    }
  }

  #adoptRead(read: StoreFileRead): void {
    if (read.exists) {
      this.#base = read.data;
      this.#signature = read.signature;
      this.#preMigration = read.migratedFrom === undefined ? undefined : { text: read.text, from: read.migratedFrom };
      // Reading writes nothing: the last-known-good and pre-migration copies are made by the next
      // write, under the lock, so a reader leaves no work running behind it.
    } else {
      this.#base = emptyStore();
      this.#signature = undefined;
    }
    this.#loaded = true;
    this.#rebuildView();
  }

  #rebuildView(): void {
    const view = structuredClone(this.#base);
    for (const mutate of [...this.#inflight, ...this.#pending]) this.#apply(mutate, view);
    this.#view = view;
    this.#notify();
  }

  async #write(mutate: Mutation | undefined): Promise<StoreData> {
    await this.#ensureDir();
    return withFileLock(
      this.lockPath,
      async () => {
        const batch = this.#pending.splice(0);
        this.#inflight = batch;
        let written = false;
        try {
          const fresh = await this.#readFresh();
          for (const deferred of batch) this.#apply(deferred, fresh);
          let next = fresh;
          // Boxed, so whatever the mutation threw (even `undefined`) is rethrown as it was.
          let mutateFailure: { error: unknown } | undefined;
          if (mutate) {
            const before = structuredClone(fresh);
            try {
              mutate(fresh);
            } catch (error) {
              mutateFailure = { error };
              next = before;
            }
          }
          const parsed = StoreSchema.safeParse(next);
          if (!parsed.success) {
            throw new StoreInvalidWriteError(this.filePath, parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
          }
          const text = JSON.stringify(parsed.data, null, 2) + '\n';
          if (this.#preMigration) {
            await this.#keepPreMigrationCopy(this.#preMigration.text, this.#preMigration.from);
            this.#preMigration = undefined;
          }
          await writeFileAtomic(this.filePath, text, 0o600);
          written = true;
          const stat = await fs.promises.stat(this.filePath);
          this.#base = parsed.data;
          this.#signature = signatureOf(stat);
          this.#failed = undefined;
          this.#inflight = [];
          this.#lastStatAt = performance.now();
          this.#loaded = true;
          this.#rebuildView();
          if (performance.now() - this.#lastGoodSavedAt > LAST_GOOD_INTERVAL_MS) await this.#saveLastGood(text);
          if (mutateFailure) throw mutateFailure.error;
          return this.#view;
        } finally {
          if (!written) {
            // Nothing reached the file: the batch stays queued for the next write.
            this.#pending.unshift(...batch);
            this.#inflight = [];
          }
        }
      },
      this.#lockOptions,
    );
  }

  /** The file as it is now (we hold the lock); re-read only if it changed since we last saw it. */
  async #readFresh(): Promise<StoreData> {
    let signature: FileSignature | undefined;
    try {
      signature = signatureOf(await fs.promises.stat(this.filePath));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (this.#loaded && sameSignature(signature, this.#signature)) return structuredClone(this.#base);
    if (signature === undefined) return emptyStore();
    const read = await this.#read();
    if (!read.exists) return emptyStore();
    this.#preMigration = read.migratedFrom === undefined ? undefined : { text: read.text, from: read.migratedFrom };
    return read.data;
  }

  #apply(mutate: Mutation, data: StoreData): void {
    try {
      mutate(data);
    } catch (error) {
      this.#logger.warn('a deferred store change failed and was dropped', { error: describe(error) });
    }
  }

  async #ensureDir(): Promise<void> {
    if (this.#dirReady) return;
    const created = await fs.promises.mkdir(this.dir, { recursive: true, mode: 0o700 });
    // The umask may have loosened what mkdir asked for.
    if (created !== undefined) await fs.promises.chmod(this.dir, 0o700);
    this.#dirReady = true;
    await this.#prepare();
  }

  /**
   * Once per process, when the store is first opened: tighten the folder to 0700 and its files to
   * 0600 (they hold refresh tokens), and sweep temp files abandoned by killed writers. Never fails
   * the open; what it did is logged and kept for `doctor`.
   */
  #prepare(): Promise<void> {
    this.#prepared ??= (async () => {
      try {
        const fixes = await tightenStorePermissions(this.dir);
        this.permissionFixes.push(...fixes);
        for (const fix of fixes) this.#logger.warn(`store permissions: ${describePermissionFix(fix)}`, { file: fix.path });
        const swept = await sweepAbandonedTempFiles(this.dir, Date.now());
        this.sweptTempFiles.push(...swept);
        if (swept.length > 0) this.#logger.info('swept temp files left by killed writers', { files: swept });
      } catch (error) {
        this.#logger.warn('could not check the store folder', { error: describe(error) });
      }
    })();
    return this.#prepared;
  }

  async #saveLastGood(text: string): Promise<void> {
    this.#lastGoodSavedAt = performance.now();
    try {
      await saveLastKnownGood(this.filePath, text);
    } catch (error) {
      this.#logger.debug('could not save the last-known-good copy', { error: describe(error) });
    }
  }

  /** Before a migrated file is first rewritten in the new shape, the original is kept beside it. */
  async #keepPreMigrationCopy(text: string, from: number | 'unversioned'): Promise<void> {
    const target = `${this.filePath}.pre-migration-${from}`;
    await fs.promises.writeFile(target, text, { mode: 0o600, flag: 'wx' }).catch(() => {});
  }

  #notify(): void {
    for (const listener of this.#listeners) {
      try {
        listener(this.#view);
      } catch (error) {
        this.#logger.warn('store change listener failed', { error: describe(error) });
      }
    }
  }
}

function unrefTimer(timer: ReturnType<typeof setTimeout>): ReturnType<typeof setTimeout> {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
