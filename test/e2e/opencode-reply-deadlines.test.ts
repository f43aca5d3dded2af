import fs from 'node:fs/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AccountStore } from '../../src/store/account-store.js';
import { startSimulator } from '../sim/index.js';
import { isolatedHome, runOpencode, type IsolatedHome } from '../support/opencode.js';
import { accountFromSimTokens, seedStore } from '../support/seed-store.js';

/**
 * The deadlines inside OpenCode's own Bun, where they must hold too: Bun's `undici` stand-in
 * ignores `headersTimeout`/`bodyTimeout`, so only what the plugin enforces itself counts here.
 */
const DEADLINES = {
  OPENCODE_MULTI_AUTH_REQUEST_TIMEOUT: '2s',
  OPENCODE_MULTI_AUTH_ERROR_BODY_TIMEOUT: '2s',
  OPENCODE_MULTI_AUTH_FIRST_EVENT_TIMEOUT: '2s',
  OPENCODE_MULTI_AUTH_STREAM_IDLE_TIMEOUT: '3s',
};

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function setUp(accountIds: string[]) {
  const sim = await startSimulator({ accounts: accountIds.map((accountId) => ({ accountId })) });
  const home = await isolatedHome({ OPENCODE_MULTI_AUTH_CODEX_BASE_URL: sim.baseUrl, OPENCODE_MULTI_AUTH_AUTH_ISSUER: sim.issuer, ...DEADLINES });
  cleanups.push(
    () => sim.close(),
    () => home.cleanup(),
  );
  const now = Date.now();
  await seedStore(
    home.storeDir,
    accountIds.map((id) => accountFromSimTokens(sim.issueTokens(id), id.replace(/^acct-/, ''), now)),
  );
  return { sim, home };
}

async function storedByAlias(home: IsolatedHome) {
  const store = new AccountStore({ dir: home.storeDir });
  const data = await store.load();
  await store.close();
  return Object.fromEntries(data.accounts.map((account) => [account.alias, account]));
}

beforeAll(async () => {
  await fs.access(new URL('../../dist/index.js', import.meta.url));
});

describe('reply deadlines in the real opencode client (Bun)', { timeout: 240_000 }, () => {
  it('passes over accounts that send no headers, stall their stream or their error body; the good account answers', async () => {
    const { sim, home } = await setUp(['acct-noheaders', 'acct-stall', 'acct-stuck429', 'acct-good']);
    sim.addFault({ route: 'responses', accountId: 'acct-noheaders', delayHeadersMs: 120_000 });
    sim.addFault({ route: 'responses', accountId: 'acct-stall', stallAfterEvents: 0 });
    sim.addFault({ route: 'responses', accountId: 'acct-stuck429', status: 429, body: '{"error":{"type":"rate_limit_exceeded"}}', stallBody: true });

    const started = Date.now();
    const run = await runOpencode(['run', '--model', 'openai/gpt-5.4', 'say hi'], home);

    expect(run.stdout).toContain('Hello from acct-good.');
    expect(run.code).toBe(0);
    const byAlias = await storedByAlias(home);
    expect(byAlias.noheaders!.health.lastError?.message).toBe('timed out: no response headers within 2 s (/backend-api/codex/responses)');
    expect(byAlias.stall!.health.lastError?.message).toBe('timed out: no first event within 2 s');
    expect(byAlias.stuck429!.health.lastError?.message).toMatch(/^timed out: HTTP 429 /);
    for (const alias of ['noheaders', 'stall', 'stuck429']) expect(byAlias[alias]!.health.cooldownReason).toBe('timed out');
    // Each bad account cost one deadline per request OpenCode made at once (title and answer); cooled down, no more.
    for (const id of ['acct-noheaders', 'acct-stall']) expect(sim.counters.requests('responses', id)).toBeLessThanOrEqual(2);
    expect(sim.counters.requests('responses', 'acct-stuck429')).toBeLessThanOrEqual(2);
    expect(Date.now() - started).toBeLessThan(90_000);
  });

  it('ends a stream that stalls after output began with an error OpenCode acts on (it retries the turn), never a silently cut answer', async () => {
    const { sim, home } = await setUp(['acct-solo']);
    // Both requests OpenCode starts (title and answer) stall after the answer began; later ones are served.
    sim.addFault({ route: 'responses', accountId: 'acct-solo', times: 2, stallAfterEvents: 6 });

    const run = await runOpencode(['run', '--model', 'openai/gpt-5.4', 'say hi'], home);

    // A cut answer taken for a whole one would have ended the run after two requests, with half a greeting.
    expect(run.stdout).toContain('Hello from acct-solo.');
    expect(run.code).toBe(0);
    expect(sim.counters.requests('responses', 'acct-solo')).toBeGreaterThanOrEqual(3);
    const solo = (await storedByAlias(home)).solo!;
    expect(solo.health.lastError?.message).toBe('stream silent past the idle deadline after output had started');
    expect(solo.health.cooldownUntil).toBeUndefined();
  });
});
