import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SIM_CATALOG, greeting } from '../sim/index.js';
import { openCodeRequestBody, requestPathFixture, type RequestPathFixture } from '../support/request-path-fixture.js';

let fixture: RequestPathFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

function errorMessage(text: string): string {
  return (JSON.parse(text) as { error: { message: string } }).error.message;
}

const PREVIEW = 'gpt-7-preview';

describe("request path: each account's model catalog (PROTOCOL.md §8)", () => {
  it('sends a model only to the accounts whose catalog has it, once the catalogs are read', async () => {
    const fx = (fixture = await requestPathFixture({
      accounts: [{ accountId: 'work' }, { accountId: 'personal', catalog: [...DEFAULT_SIM_CATALOG, PREVIEW] }],
      sim: { freezeClock: true },
    }));
    await fx.runtime.refreshQueue.refreshAll();
    const preview = await fx.send({ body: openCodeRequestBody({ model: PREVIEW }), sessionId: 'ses_a' });
    expect(preview.text).toContain(greeting('personal'));
    // work, whose catalog lacks it, was never asked (no 400 to learn from).
    expect(fx.responsesTried()).toEqual(['personal']);
    // An ordinary model still goes to either (work: used longest ago).
    const ordinary = await fx.send({ body: openCodeRequestBody({ model: 'gpt-5.4' }), sessionId: 'ses_b' });
    expect(ordinary.text).toContain(greeting('work'));
  });

  it('says when no account offers the model at all, without trying any', async () => {
    const fx = (fixture = await requestPathFixture({ accounts: [{ accountId: 'work' }, { accountId: 'personal' }], sim: { freezeClock: true } }));
    await fx.runtime.refreshQueue.refreshAll();
    const reply = await fx.send({ body: openCodeRequestBody({ model: PREVIEW }) });
    expect(reply.status).toBe(400);
    expect(fx.responsesTried()).toEqual([]);
    const message = errorMessage(reply.text);
    expect(message).toMatch(/^No account offers gpt-7-preview/);
    expect(message).toContain('work (its model catalog has no gpt-7-preview)');
  });

  it('before any catalog is read, tries accounts and learns from the real 400', async () => {
    const fx = (fixture = await requestPathFixture({
      accounts: [{ accountId: 'work' }, { accountId: 'personal', catalog: [...DEFAULT_SIM_CATALOG, PREVIEW] }],
      sim: { freezeClock: true },
    }));
    const reply = await fx.send({ body: openCodeRequestBody({ model: PREVIEW }) });
    expect(reply.text).toContain(greeting('personal'));
    expect(fx.responsesTried()).toEqual(['work', 'personal']);
    expect(Object.keys((await fx.storedAccount('work')).health.unsupportedModels ?? {})).toEqual([PREVIEW]);
  });
});
