import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fetchBypasses } from '../../src/plugin/fetch-bypass.js';
import { startSimulator } from '../sim/index.js';
import { isolatedHome, runOpencode } from '../support/opencode.js';
import { accountFromSimTokens, seedStore } from '../support/seed-store.js';

/*
 * PROTOCOL.md §8 asked whether OPENCODE_EXPERIMENTAL_NATIVE_LLM keeps OpenCode from calling the
 * plugin's fetch. The real binary says yes: this pins it, so the day OpenCode routes its native
 * runtime through the provider fetch this test fails and `doctor`'s warning can go.
 */

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

beforeAll(async () => {
  await fs.access(new URL('../../dist/index.js', import.meta.url));
});

async function runWith(extraEnv: Record<string, string>) {
  const sim = await startSimulator({ accounts: [{ accountId: 'acct-solo' }] });
  const home = await isolatedHome({ OPENCODE_MULTI_AUTH_CODEX_BASE_URL: sim.baseUrl, OPENCODE_MULTI_AUTH_AUTH_ISSUER: sim.issuer, ...extraEnv });
  cleanups.push(
    () => sim.close(),
    () => home.cleanup(),
  );
  await seedStore(home.storeDir, [accountFromSimTokens(sim.issueTokens('acct-solo'), 'solo', Date.now())]);
  const run = await runOpencode(['run', '--print-logs', '--log-level', 'INFO', '--model', 'openai/gpt-5.4', 'say hi'], home);
  const pluginLog = await fs.readFile(path.join(home.root, 'plugin.log'), 'utf8').catch(() => '');
  return { run, sim, pluginLog, routed: pluginLog.split('\n').filter((line) => line.includes('request routed')).length };
}

describe('OpenCode settings that bypass the plugin', { timeout: 240_000 }, () => {
  it("OPENCODE_EXPERIMENTAL_NATIVE_LLM=1: OpenCode picks its native runtime and never calls the plugin's fetch; doctor names it", async () => {
    const env = { OPENCODE_EXPERIMENTAL_NATIVE_LLM: '1' };
    const { run, sim, routed, pluginLog } = await runWith(env);
    expect(run.stderr).toMatch(/llm runtime selected.*llm\.runtime=native/);
    // The plugin is loaded all the same, and says in its log why it is not used.
    expect(pluginLog).toContain('OPENCODE_EXPERIMENTAL_NATIVE_LLM=1 is set');
    expect(routed).toBe(0);
    expect(sim.log.filter((entry) => entry.route === 'responses')).toHaveLength(0);
    expect(run.stdout).not.toContain('Hello from acct-solo.');
    expect(run.code).not.toBe(0);
    expect(fetchBypasses(env).map((bypass) => bypass.variable)).toEqual(['OPENCODE_EXPERIMENTAL_NATIVE_LLM']);
  });

  it('OPENCODE_EXPERIMENTAL_WEBSOCKETS=1 does not: the request goes through the plugin, and doctor stays quiet', async () => {
    const env = { OPENCODE_EXPERIMENTAL_WEBSOCKETS: '1' };
    const { run, routed } = await runWith(env);
    expect(run.stdout).toContain('Hello from acct-solo.');
    expect(routed).toBeGreaterThan(0);
    expect(fetchBypasses(env)).toEqual([]);
  });
});
