import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountStore } from '../../src/store/account-store.js';
import { findAccount } from '../../src/store/mutations.js';
import { readStoreFile } from '../../src/store/store-file.js';
import { ReloginRequiredError } from '../../src/tokens/errors.js';
import { isInterruptedReason, readJournal } from '../../src/tokens/refresh-journal.js';
import { TokenKeeper } from '../../src/tokens/token-keeper.js';
import { startSimulator, type Simulator } from '../sim/index.js';
import { removeDir, tempDir } from '../store/factories.js';
import { spawnWorker, waitForExit, waitForOutput } from '../store/spawn-worker.js';
import { signInSimAccounts } from '../support/seed-store.js';

const ACCOUNTS = ['acc1', 'acc2', 'acc3'];
/**
 * Kills at random moments of a child that refreshes without pause: in and between every step of a
 * refresh. (bench/refresh-kills.ts runs the longer 72-kill schedule, against any checkout.)
 */
const RANDOM_KILLS = 24;
/** Kills sent the moment the issuer's answer has left it, after these delays (ms; 0 = in the same tick). */
const AIMED_DELAYS = [0, 0, 1, 2, 5, 10, 20, 40];
const AIMED_ROUNDS = 2;

let sim: Simulator;
let root: string;
let dir: string;
beforeAll(async () => {
  sim = await startSimulator({ accounts: ACCOUNTS.map((accountId) => ({ accountId })) });
  root = tempDir();
  dir = path.join(root, 'store');
});
afterAll(async () => {
  await sim.close();
  removeDir(root);
});

/** Signs the account in again at the simulator (a new token family), as `opencode-multi-auth login` does. */
const signIn = (accountId: string) => signInSimAccounts(dir, sim, [accountId]);

async function readStore() {
  const read = await readStoreFile(path.join(dir, 'accounts.json'), Date.now());
  if (!read.exists) throw new Error('the store file disappeared');
  return read.data;
}

function collectOutput(child: ChildProcess): string[] {
  const lines: string[] = [];
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    lines.push(...parts);
  });
  return lines;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a process killed with SIGKILL in the middle of a token refresh', () => {
  it('never gets an account revoked, and names every account it could not save', async () => {
    for (const accountId of ACCOUNTS) await signIn(accountId);
    const ids = (await readStore()).accounts.map((account) => account.id);
    const named: string[] = [];
    const output: string[] = [];
    let answersBeforeKill = 0;

    /** Between two children: an account named as interrupted is signed in again, anything else marked is a failure. */
    const reviewAccounts = async () => {
      for (const account of (await readStore()).accounts) {
        const mark = account.health.reloginRequired;
        if (!mark) continue;
        expect(isInterruptedReason(mark.reason), `${account.alias}: ${mark.reason}`).toBe(true);
        expect(mark.reason).toMatch(/sent the refresh token to the issuer and stopped before saving the answer/);
        named.push(account.alias);
        await signIn(account.alias);
      }
      for (const accountId of ACCOUNTS) expect(sim.counters.reuseEvents(accountId), `${accountId} revoked`).toBe(0);
    };

    /** What each kill left behind, read off the journals before the next process settles them. */
    const left = new Map<string, { kills: number; answerLost: number; answerJournaled: number }>();
    const seen = new Set<string>();
    const classify = async (label: string) => {
      const tally = left.get(label) ?? { kills: 0, answerLost: 0, answerJournaled: 0 };
      tally.kills += 1;
      const locks = path.join(dir, 'locks');
      for (const name of fs.existsSync(locks) ? fs.readdirSync(locks) : []) {
        if (!name.endsWith('.journal')) continue;
        const journal = await readJournal(path.join(locks, name));
        if (journal === undefined) continue;
        // A journal an earlier kill left that no process has settled yet belongs to that kill.
        const identity =
          journal === 'unreadable' ? `${name}:unreadable:${fs.statSync(path.join(locks, name)).mtimeMs}` : `${name}:${journal.sentAt}:${journal.phase}`;
        if (seen.has(identity)) continue;
        seen.add(identity);
        if (journal !== 'unreadable' && journal.phase === 'answered') tally.answerJournaled += 1;
        else tally.answerLost += 1;
      }
      left.set(label, tally);
    };

    const runChild = async (label: string, kill: (child: ChildProcess) => Promise<void>) => {
      const child = spawnWorker('refresher', [dir, sim.issuer]);
      const lines = collectOutput(child);
      const deadline = setTimeout(() => child.kill('SIGKILL'), 60_000);
      try {
        // A warm process, as a long-running OpenCode is: its first refresh done, the code paths compiled.
        await waitForOutput(child, 'refreshed ');
        await kill(child);
      } finally {
        child.kill('SIGKILL');
        await waitForExit(child);
        clearTimeout(deadline);
        output.push(...lines);
      }
      await classify(label);
      await reviewAccounts();
    };

    for (let n = 0; n < RANDOM_KILLS; n++) {
      await runChild('random', async () => {
        await sleep(Math.random() * 300);
      });
    }

    for (let round = 0; round < AIMED_ROUNDS; round++) {
      for (const delayMs of AIMED_DELAYS) {
        await runChild(`answer + ${delayMs} ms`, async (child) => {
          const killed = new Promise<void>((resolve) => {
            const stop = sim.onRefreshAnswer((answer) => {
              if (answer.status !== 200) return;
              stop();
              answersBeforeKill += 1;
              if (delayMs === 0) child.kill('SIGKILL');
              else setTimeout(() => child.kill('SIGKILL'), delayMs);
              resolve();
            });
          });
          await Promise.race([killed, sleep(30_000)]);
        });
      }
    }

    // What the next process (here: a keeper in this one) finds: every interrupted refresh settled,
    // and every account not named refreshes fine.
    const store = new AccountStore({ dir });
    const keeper = new TokenKeeper({ store, issuer: sim.issuer });
    for (const { alias, outcome } of await keeper.recoverInterruptedRefreshes()) if (outcome.kind === 'interrupted') named.push(alias);
    const data = await store.reload();
    for (const account of data.accounts) {
      if (account.health.reloginRequired) {
        expect(isInterruptedReason(account.health.reloginRequired.reason)).toBe(true);
        await expect(keeper.accessToken(account.id, { rejected: account.tokens.accessToken })).rejects.toBeInstanceOf(ReloginRequiredError);
        continue;
      }
      const token = await keeper.accessToken(account.id, { rejected: account.tokens.accessToken });
      expect(findAccount(await store.reload(), account.id)!.tokens.accessToken).toBe(token);
    }
    await store.close();

    const kills = RANDOM_KILLS + AIMED_ROUNDS * AIMED_DELAYS.length;
    const recovered = output.filter((line) => line.includes('recovered the tokens of a refresh')).length;
    const refreshed = output.filter((line) => line.startsWith('refreshed ')).length;
    console.log(
      `refresh kill test: ${kills} kills (${RANDOM_KILLS} random, ${AIMED_ROUNDS * AIMED_DELAYS.length} at the issuer's answer + ${AIMED_DELAYS.join('/')} ms), ` +
        `${refreshed} refreshes completed, ${recovered} answers recovered from the journal, ${named.length} accounts named unrecoverable, ` +
        `${ACCOUNTS.reduce((sum, accountId) => sum + sim.counters.reuseEvents(accountId), 0)} revoked`,
    );
    for (const [label, tally] of left) {
      console.log(
        `  ${label}: ${tally.kills} kills, ${tally.answerJournaled} left the answer in the journal (recovered), ${tally.answerLost} left a sent token with no answer (named)`,
      );
    }
    for (const accountId of ACCOUNTS) expect(sim.counters.reuseEvents(accountId)).toBe(0);
    expect((await readStore()).accounts.map((account) => account.id).sort()).toEqual([...ids].sort());
    expect(answersBeforeKill).toBe(AIMED_ROUNDS * AIMED_DELAYS.length);
    // The kills did land inside refreshes: some answers had to be rescued from the journal or named.
    expect(recovered + named.length).toBeGreaterThan(0);
  }, 600_000);
});
