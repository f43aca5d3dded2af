import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listedModels } from '../../src/models/model-edits.js';
import { CODEX_MODELS } from '../../src/models/codex-models.js';
import { DEFAULT_SIM_CATALOG, startSimulator, type SimAccountSpec, type Simulator } from '../sim/index.js';
import { isolatedHome, runOpencode, type IsolatedHome } from '../support/opencode.js';
import { accountFromSimTokens, seedStore } from '../support/seed-store.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

beforeAll(async () => {
  // The plugin is loaded from dist/: the test command builds it first.
  await fs.access(new URL('../../dist/index.js', import.meta.url));
});

const CODEX_IDS = listedModels(CODEX_MODELS, []).map((model) => `openai/${model.id}`);

async function setUp(extraEnv: NodeJS.ProcessEnv, account: Partial<SimAccountSpec> = {}): Promise<{ sim: Simulator; home: IsolatedHome }> {
  const sim = await startSimulator({ accounts: [{ accountId: 'acct-solo', ...account }] });
  const home = await isolatedHome({ OPENCODE_MULTI_AUTH_CODEX_BASE_URL: sim.baseUrl, OPENCODE_MULTI_AUTH_AUTH_ISSUER: sim.issuer, ...extraEnv });
  cleanups.push(
    () => sim.close(),
    () => home.cleanup(),
  );
  await seedStore(home.storeDir, [accountFromSimTokens(sim.issueTokens('acct-solo'), 'solo', Date.now())]);
  return { sim, home };
}

function listedIds(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('openai/'));
}

interface SeenRequest {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** Model requests the simulator received since `from`; the main one is the one with tools (the other is the title request). */
function modelRequests(sim: Simulator, from: number): { all: SeenRequest[]; main: SeenRequest } {
  const all = sim.log.slice(from).filter((entry) => entry.route === 'responses') as SeenRequest[];
  const main = all.find((request) => Array.isArray(request.body.tools));
  expect(main, 'a main (tool-carrying) model request').toBeDefined();
  return { all, main: main! };
}

/** What every request must look like after shaping, whichever plugins rewrote it before us. */
function expectShapedForCodex(requests: SeenRequest[]): void {
  expect(requests.length).toBeGreaterThan(0);
  for (const { status, headers, body } of requests) {
    expect(status).toBe(200);
    expect(body).not.toHaveProperty('max_output_tokens');
    expect(body).not.toHaveProperty('temperature');
    expect(body.store).toBe(false);
    expect(body.stream).toBe(true);
    expect(body.include).toContain('reasoning.encrypted_content');
    expect(typeof body.instructions).toBe('string');
    expect((body.instructions as string).length).toBeGreaterThan(0);
    const first = (body.input as Array<{ role?: string }>)[0];
    expect(['developer', 'system']).not.toContain(first?.role);
    expect(headers['originator']).toBe('opencode');
    expect(headers['user-agent']).toMatch(/^opencode-multi-auth-codex\/\S+ opencode\/1\.18\.33/);
    expect(headers['session_id']).toMatch(/^ses_/);
  }
}

const MODES = [
  { mode: 'default plugins on', env: {} },
  { mode: 'OPENCODE_DISABLE_DEFAULT_PLUGINS=1', env: { OPENCODE_DISABLE_DEFAULT_PLUGINS: '1' } },
];

describe.each(MODES)('the openai models with an api auth record, $mode', { timeout: 240_000 }, ({ env }) => {
  it('lists exactly the Codex models: no gpt-4o, gpt-4.1, image, nano or -pro models', async () => {
    const { home } = await setUp(env);

    const run = await runOpencode(['models', 'openai'], home);

    expect(run.code).toBe(0);
    const ids = listedIds(run.stdout);
    expect([...ids].sort()).toEqual([...CODEX_IDS].sort());
    for (const id of ids) expect(id).not.toMatch(/gpt-4o|gpt-4\.1|image|nano|-pro\b/);
  });

  it('sends a -fast model on the priority tier and a variant as its reasoning effort, shaped for the Codex backend', async () => {
    const { sim, home } = await setUp(env);

    const fast = await runOpencode(['run', '--model', 'openai/gpt-5.4-fast', 'say hi'], home);
    expect(fast.stdout).toContain('Hello from acct-solo.');
    const fastRequests = modelRequests(sim, 0);
    expect(fastRequests.main.body.model).toBe('gpt-5.4');
    expect(fastRequests.main.body.service_tier).toBe('priority');
    expectShapedForCodex(fastRequests.all);

    const from = sim.log.length;
    const variant = await runOpencode(['run', '--model', 'openai/gpt-5.5', '--variant', 'xhigh', 'say hi'], home);
    expect(variant.stdout).toContain('Hello from acct-solo.');
    const variantRequests = modelRequests(sim, from);
    expect(variantRequests.main.body.model).toBe('gpt-5.5');
    expect(variantRequests.main.body.reasoning).toMatchObject({ effort: 'xhigh' });
    expect(variantRequests.main.body).not.toHaveProperty('service_tier');
    expectShapedForCodex(variantRequests.all);
  });
});

describe('OPENCODE_MULTI_AUTH_MODELS', { timeout: 240_000 }, () => {
  it('adds and removes models in the list OpenCode shows, and an added model reaches the backend by its id', async () => {
    // The backend serves the added model (hidden in the catalog, so only the edit lists it).
    const { sim, home } = await setUp(
      { OPENCODE_MULTI_AUTH_MODELS: '+gpt-7-preview,-gpt-5.4-mini-fast', OPENCODE_DISABLE_DEFAULT_PLUGINS: '1' },
      { catalog: [...DEFAULT_SIM_CATALOG, { slug: 'gpt-7-preview', visibility: 'hide' }] },
    );

    const list = await runOpencode(['models', 'openai'], home);
    const ids = listedIds(list.stdout);
    expect(ids).toContain('openai/gpt-7-preview');
    expect(ids).toContain('openai/gpt-5.4-mini');
    expect(ids).not.toContain('openai/gpt-5.4-mini-fast');
    expect(ids).toHaveLength(CODEX_IDS.length);

    const run = await runOpencode(['run', '--model', 'openai/gpt-7-preview', 'say hi'], home);
    expect(run.stdout).toContain('Hello from acct-solo.');
    expect(modelRequests(sim, 0).main.body.model).toBe('gpt-7-preview');
  });
});

/** The plugin's own CLI (built), as a user runs it, with the isolated home's settings. */
function runPluginCli(args: string[], home: IsolatedHome): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const main = path.join(path.dirname(new URL(import.meta.url).pathname), '../../dist/cli/main.js');
  return new Promise((resolve) => {
    execFile(process.execPath, [main, ...args], { env: home.env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

interface VerboseModel {
  id: string;
  name: string;
  limit: { context: number };
}

/** `opencode models --verbose` prints each model's id line followed by its JSON. */
function verboseModels(stdout: string): Map<string, VerboseModel> {
  const models = new Map<string, VerboseModel>();
  const blocks = stdout.split(/^openai\//m).slice(1);
  for (const block of blocks) {
    const newline = block.indexOf('\n');
    const id = block.slice(0, newline).trim();
    try {
      models.set(id, JSON.parse(block.slice(newline + 1)) as VerboseModel);
    } catch {
      // Not a JSON block: the model is still listed, without details.
    }
  }
  return models;
}

describe("the accounts' model catalog (PROTOCOL.md §8)", { timeout: 240_000 }, () => {
  it('lists a model that exists only in the backend catalog, with its context window, once the catalog is read', async () => {
    // gpt-5.4 keeps the sim's default window (272,000, not the data file's 1,050,000); gpt-5.6-luna is not offered.
    const catalog = [
      ...DEFAULT_SIM_CATALOG.filter((model) => model.slug !== 'gpt-5.6-luna'),
      { slug: 'gpt-7-preview', display_name: 'GPT-7 Preview', context_window: 500_000 },
    ];
    const { sim, home } = await setUp({ OPENCODE_DISABLE_DEFAULT_PLUGINS: '1' }, { catalog });

    // First start: no catalog read yet, the built-in list; nothing waited on the network for it.
    const before = await runOpencode(['models', 'openai'], home);
    expect(listedIds(before.stdout)).not.toContain('openai/gpt-7-preview');
    expect(sim.log.filter((entry) => entry.route === 'codex-models')).toEqual([]);

    const refresh = await runPluginCli(['refresh'], home);
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(sim.log.filter((entry) => entry.route === 'codex-models').map((entry) => entry.status)).toEqual([200]);

    const after = await runOpencode(['models', 'openai', '--verbose'], home);
    expect(after.code).toBe(0);
    const ids = listedIds(after.stdout);
    expect(ids).toContain('openai/gpt-7-preview');
    // Hidden and absent models are not listed.
    expect(ids).not.toContain('openai/gpt-5.3-codex');
    expect(ids).not.toContain('openai/gpt-5.6-luna');
    const models = verboseModels(after.stdout);
    expect(models.get('gpt-7-preview')).toMatchObject({ name: 'GPT-7 Preview', limit: { context: 500_000 } });
    expect(models.get('gpt-5.4')?.limit.context).toBe(272_000);

    const run = await runOpencode(['run', '--model', 'openai/gpt-7-preview', 'say hi'], home);
    expect(run.stdout).toContain('Hello from acct-solo.');
  });
});
