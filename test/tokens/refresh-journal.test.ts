import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../src/log/logger.js';
import { AccountStore } from '../../src/store/account-store.js';
import { findAccount, upsertAccount } from '../../src/store/mutations.js';
import type { Tokens } from '../../src/store/schema.js';
import { adoptRefreshedTokens } from '../../src/tokens/journal-recovery.js';
import { refreshTokens } from '../../src/tokens/oauth-client.js';
import {
  interruptedReason,
  isInterruptedReason,
  judgeJournal,
  readJournal,
  refreshFiles,
  sentJournal,
  tokenFingerprint,
  writeJournal,
  type RefreshJournal,
} from '../../src/tokens/refresh-journal.js';
import { TokenKeeper } from '../../src/tokens/token-keeper.js';
import { accountFromGrant, tokensFromRefresh } from '../../src/tokens/tokens-from-grant.js';
import { startSimulator, type Simulator } from '../sim/index.js';
import { makeAccount, removeDir, tempDir } from '../store/factories.js';

const tokens = (refreshToken: string, obtainedAt = 1_000): Tokens => ({
  accessToken: `at-${refreshToken}`,
  refreshToken,
  expiresAt: obtainedAt + 3_600_000,
  obtainedAt,
});
const sent = (spentToken: string): RefreshJournal => ({ ...sentJournal('acc', spentToken, 5_000), pid: 77, host: 'box' });
const answered = (spentToken: string, next: Tokens): RefreshJournal => ({ ...sent(spentToken), phase: 'answered', answeredAt: 5_010, tokens: next });

describe('judgeJournal', () => {
  it.each<[string, RefreshJournal, Tokens, string]>([
    ['sent, the spent token still stored: it may be spent, never send it again', sent('rt-old'), tokens('rt-old'), 'interrupted'],
    ['answered, the spent token still stored: the answer is saved here, adopt it', answered('rt-old', tokens('rt-new', 2_000)), tokens('rt-old'), 'adopt'],
    ['sent, but a sign-in replaced the tokens since: nothing to do', sent('rt-old'), tokens('rt-signin', 9_000), 'discard'],
    ['answered, and the store already has the answer', answered('rt-old', tokens('rt-new', 2_000)), tokens('rt-new', 2_000), 'discard'],
  ])('%s', (_, journal, stored, action) => {
    const verdict = judgeJournal(journal, stored);
    expect(verdict.action).toBe(action);
    if (verdict.action === 'adopt') expect(verdict.tokens.refreshToken).toBe('rt-new');
  });
});

describe('the interrupted reason', () => {
  it('says what happened, who, when and why the token is not sent again, without the token', () => {
    const reason = interruptedReason(sent('rt-secret-value'));
    expect(reason).toMatch(/^refresh interrupted at 1970-01-01T00:00:05.000Z/);
    expect(reason).toContain('process 77 on box');
    expect(reason).toContain('sending it again would revoke the account');
    expect(reason).not.toContain('rt-secret-value');
    expect(isInterruptedReason(reason)).toBe(true);
    expect(isInterruptedReason('refresh_token_reused')).toBe(false);
    expect(isInterruptedReason(undefined)).toBe(false);
  });

  it('stores a fingerprint of the spent token, not the token', () => {
    const journal = sentJournal('acc', 'rt-secret-value', 1);
    expect(JSON.stringify(journal)).not.toContain('rt-secret-value');
    expect(journal.spent).toBe(tokenFingerprint('rt-secret-value'));
  });
});

describe('journal files', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-'));
  });
  afterEach(() => removeDir(dir));

  it('round-trips through a 0600 file next to the lease, and reports a damaged one as unreadable', async () => {
    const { lease, journal } = refreshFiles(dir, 'chatgpt-acc:user/1');
    expect(path.basename(lease)).toMatch(/^refresh-chatgpt-acc_user_1-[0-9a-f]{12}\.lock$/);
    expect(journal).toBe(lease.replace(/\.lock$/, '.journal'));
    expect(await readJournal(journal)).toBeUndefined();
    const written = answered('rt-old', tokens('rt-new', 2_000));
    writeJournal(journal, written);
    expect(await readJournal(journal)).toEqual(written);
    expect(fs.statSync(journal).mode & 0o777).toBe(0o600);
    fs.writeFileSync(journal, '{"phase": "answ');
    expect(await readJournal(journal)).toBe('unreadable');
  });
});

describe('adoptRefreshedTokens', () => {
  it('lifts a "refresh interrupted" mark when the answer it feared lost is adopted, and no other mark', () => {
    const data = { version: 1 as const, accounts: [makeAccount(1), makeAccount(2)], sessions: {}, usageRoute: {} };
    const [first, second] = data.accounts as [ReturnType<typeof makeAccount>, ReturnType<typeof makeAccount>];
    first.health.reloginRequired = { reason: interruptedReason(sent('x')), at: 1 };
    second.health.reloginRequired = { reason: 'refresh_token_reused', at: 1 };
    adoptRefreshedTokens(data, first.id, tokens('rt-a', first.tokens.obtainedAt + 10));
    adoptRefreshedTokens(data, second.id, tokens('rt-b', second.tokens.obtainedAt + 10));
    expect(first.tokens.refreshToken).toBe('rt-a');
    expect(first.health.reloginRequired).toBeUndefined();
    expect(second.health.reloginRequired).toMatchObject({ reason: 'refresh_token_reused' });
  });
});

describe('a keeper taking the lease after a holder died with the answer journaled', () => {
  let sim: Simulator;
  let root: string;
  beforeEach(async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'acc1' }] });
    root = tempDir();
  });
  afterEach(async () => {
    await sim.close();
    removeDir(root);
  });

  it('adopts the journaled answer instead of spending the old token again', async () => {
    const store = new AccountStore({ dir: path.join(root, 'store') });
    const grant = sim.issueTokens('acc1');
    const account = accountFromGrant(
      { accessToken: grant.access_token, refreshToken: grant.refresh_token, idToken: grant.id_token, expiresIn: grant.expires_in },
      { origin: 'browser', now: Date.now(), alias: 'work' },
    );
    await store.update((data) => upsertAccount(data, account));
    // The holder that died: it spent the token at the issuer and journaled the answer, nothing more.
    const answer = await refreshTokens(sim.issuer, account.tokens.refreshToken);
    const rotated = tokensFromRefresh(answer, account.tokens, Date.now());
    const { journal } = refreshFiles(path.join(store.dir, 'locks'), account.id);
    fs.mkdirSync(path.dirname(journal), { recursive: true });
    writeJournal(journal, {
      ...sentJournal(account.id, account.tokens.refreshToken, Date.now()),
      pid: 4_194_301,
      phase: 'answered',
      answeredAt: Date.now(),
      tokens: rotated,
    });

    const logger = memoryLogger('debug');
    const keeper = new TokenKeeper({ store, issuer: sim.issuer, logger });
    const token = await keeper.accessToken(account.id, { rejected: account.tokens.accessToken });
    expect(keeper.stats.recovered).toBe(1);
    // The rejected access token is no longer the stored one: the journaled set is handed out, nothing spent.
    expect(token).toBe(rotated.accessToken);
    expect(sim.counters.reuseEvents('acc1')).toBe(0);
    expect(sim.counters.refreshes('acc1')).toBe(1);
    // And the next refresh spends the journaled refresh token, which the issuer accepts.
    const next = await keeper.accessToken(account.id, { rejected: token });
    expect(next).not.toBe(token);
    expect(sim.counters.refreshes('acc1')).toBe(2);
    expect(sim.counters.reuseEvents('acc1')).toBe(0);
    expect(findAccount(await store.reload(), account.id)!.tokens.accessToken).toBe(next);
    expect(fs.existsSync(journal)).toBe(false);
    for (const line of logger.lines) expect(line).not.toContain(rotated.refreshToken);
    await store.close();
  });
});

describe('a usage read that works with the old access token', () => {
  it('does not lift a "refresh interrupted" mark: the refresh token may still be spent', async () => {
    const { clearReloginFlagSeenWorking } = await import('../../src/usage/usage-mutations.js');
    const data = { version: 1 as const, accounts: [makeAccount(1), makeAccount(2)], sessions: {}, usageRoute: {} };
    const [first, second] = data.accounts as [ReturnType<typeof makeAccount>, ReturnType<typeof makeAccount>];
    first.health.reloginRequired = { reason: interruptedReason(sent('x')), at: 1 };
    second.health.reloginRequired = { reason: 'token refused after a refresh (401)', at: 1 };
    clearReloginFlagSeenWorking(data, first.id, 10);
    clearReloginFlagSeenWorking(data, second.id, 10);
    expect(first.health.reloginRequired).toBeDefined();
    expect(isInterruptedReason(first.health.reloginRequired.reason)).toBe(true);
    expect(second.health.reloginRequired).toBeUndefined();
  });
});
