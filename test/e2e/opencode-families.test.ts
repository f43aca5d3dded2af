import fs from 'node:fs/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SIM_FAMILY, startSimulator } from '../sim/index.js';
import { isolatedHome, runOpencode } from '../support/opencode.js';
import { accountFromSimTokens, seedStore } from '../support/seed-store.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

beforeAll(async () => {
  // The plugin is loaded from dist/: the test command builds it first.
  await fs.access(new URL('../../dist/index.js', import.meta.url));
});

describe('the real opencode client: a limit family (PROTOCOL.md §8)', { timeout: 240_000 }, () => {
  it('Spark out on one account and the other out of quota: Spark says why and until when, other models still run', async () => {
    const sim = await startSimulator({
      accounts: [
        { accountId: 'acct-work', families: [{ ...DEFAULT_SIM_FAMILY, fiveHourUsedPercent: 100 }] },
        { accountId: 'acct-personal', fiveHourUsedPercent: 100 },
      ],
    });
    const home = await isolatedHome({ OPENCODE_MULTI_AUTH_CODEX_BASE_URL: sim.baseUrl, OPENCODE_MULTI_AUTH_AUTH_ISSUER: sim.issuer });
    cleanups.push(
      () => sim.close(),
      () => home.cleanup(),
    );
    const now = Date.now();
    await seedStore(home.storeDir, [
      accountFromSimTokens(sim.issueTokens('acct-work'), 'work', now),
      accountFromSimTokens(sim.issueTokens('acct-personal'), 'personal', now),
    ]);

    const spark = await runOpencode(['run', '--model', 'openai/gpt-5.3-codex-spark', 'say hi'], home);
    const sparkOutput = spark.stdout + spark.stderr;
    expect(sparkOutput).not.toContain('Hello from');
    expect(sparkOutput).toContain('GPT-5.3-Codex-Spark limit reached until');
    expect(sparkOutput).toMatch(/personal \(5h limit \(100% used\)/);

    const other = await runOpencode(['run', '--model', 'openai/gpt-5.4', 'say hi'], home);
    expect(other.stdout).toContain('Hello from acct-work.');
    expect(other.code).toBe(0);
  });
});
