import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SIM_CATALOG, startSimulator, type Simulator } from './index.js';
import { getModels, postResponses, responsesBody } from './client.js';

let sim: Simulator;
afterEach(async () => {
  await (sim as Simulator | undefined)?.close(); // unset when a test failed before starting one
});

interface CatalogReply {
  models: Array<{ slug: string; display_name: string; context_window: number; visibility: string; supported_reasoning_levels: unknown[] }>;
}

describe('GET /codex/models: each account its own catalog (PROTOCOL.md §8)', () => {
  it('answers the default catalog with an ETag, every entry complete', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    const res = await getModels(sim, sim.issueTokens('a'), 'a');
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    const body = (await res.json()) as CatalogReply;
    expect(body.models.map((model) => model.slug)).toEqual(DEFAULT_SIM_CATALOG.map((model) => model.slug));
    const spark = body.models.find((model) => model.slug === 'gpt-5.3-codex-spark')!;
    expect(spark).toMatchObject({ display_name: 'GPT-5.3-Codex-Spark', context_window: 128_000, visibility: 'list' });
    expect(spark.supported_reasoning_levels.length).toBeGreaterThan(0);
    expect(body.models.find((model) => model.slug === 'gpt-5.3-codex')?.visibility).toBe('hide');
  });

  it('refuses a request without client_version with 400', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    const res = await getModels(sim, sim.issueTokens('a'), 'a', { clientVersion: null });
    expect(res.status).toBe(400);
    expect(await res.json()).toHaveProperty('detail');
  });

  it('needs the account token like every backend route', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    const res = await getModels(sim, { access_token: 'forged' }, 'a');
    expect(res.status).toBe(401);
  });

  it('answers 304 to If-None-Match with the current ETag, and a new ETag after the catalog changes', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    const tokens = sim.issueTokens('a');
    const etag = (await getModels(sim, tokens, 'a')).headers.get('etag')!;
    const again = await getModels(sim, tokens, 'a', { ifNoneMatch: etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');

    sim.setCatalog('a', [...DEFAULT_SIM_CATALOG, { slug: 'gpt-7-preview', context_window: 500_000 }]);
    const changed = await getModels(sim, tokens, 'a', { ifNoneMatch: etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(((await changed.json()) as CatalogReply).models.at(-1)).toMatchObject({ slug: 'gpt-7-preview', context_window: 500_000 });
  });

  it('lets two accounts see different models, and refuses a model outside the account catalog with the real 400', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }, { accountId: 'b', catalog: [...DEFAULT_SIM_CATALOG, 'gpt-7-preview'] }] });
    const a = sim.issueTokens('a');
    const b = sim.issueTokens('b');
    const slugs = async (tokens: typeof a, id: string) => ((await (await getModels(sim, tokens, id)).json()) as CatalogReply).models.map((m) => m.slug);
    expect(await slugs(a, 'a')).not.toContain('gpt-7-preview');
    expect(await slugs(b, 'b')).toContain('gpt-7-preview');

    const refused = await postResponses(sim, a, 'a', responsesBody({ model: 'gpt-7-preview' }));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ detail: "The 'gpt-7-preview' model is not supported when using Codex with a ChatGPT account." });
    const served = await postResponses(sim, b, 'b', responsesBody({ model: 'gpt-7-preview' }));
    expect(served.status).toBe(200);
    await served.text();
    // A hidden model is still usable; hiding is about lists.
    const hidden = await postResponses(sim, a, 'a', responsesBody({ model: 'gpt-5.3-codex' }));
    expect(hidden.status).toBe(200);
    await hidden.text();
  });
});
