import { afterEach, describe, expect, it } from 'vitest';
import { CATALOG_REFRESH_MS } from '../../src/usage/refresh-catalog.js';
import { findAccount } from '../../src/store/mutations.js';
import { DEFAULT_SIM_CATALOG } from '../sim/index.js';
import { usageFixture, type UsageFixture } from '../usage/fixture.js';

let fx: UsageFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const catalogReads = (f: UsageFixture) => f.sim.log.filter((entry) => entry.route === 'codex-models');

describe("each account's model catalog, read by the usage refresh queue", () => {
  it('reads each account its own catalog with its own headers and the client version, and stores it with its ETag', async () => {
    fx = await usageFixture({
      accounts: [{ accountId: 'a' }, { accountId: 'b', catalog: [...DEFAULT_SIM_CATALOG, { slug: 'gpt-7-preview', context_window: 500_000 }] }],
    });
    const results = await fx.queue().refreshAll();
    expect(results.map((result) => result.state)).toEqual(['done', 'done']);

    const reads = catalogReads(fx);
    expect(reads.map((read) => [read.accountId, read.status])).toEqual(
      expect.arrayContaining([
        ['a', 200],
        ['b', 200],
      ]),
    );
    for (const read of reads) expect(read.path).toMatch(/^\/backend-api\/codex\/models\?client_version=\d+\.\d+\.\d+$/);

    const data = await fx.store.current();
    const a = findAccount(data, fx.ids.a!)!.catalog!;
    const b = findAccount(data, fx.ids.b!)!.catalog!;
    expect(a.etag).toMatch(/^"[0-9a-f]+"$/);
    expect(a.models.map((model) => model.slug)).not.toContain('gpt-7-preview');
    expect(b.models.find((model) => model.slug === 'gpt-7-preview')).toEqual({
      slug: 'gpt-7-preview',
      displayName: 'gpt-7-preview',
      contextWindow: 500_000,
      visibility: 'list',
    });
    expect(a.models.find((model) => model.slug === 'gpt-5.3-codex')?.visibility).toBe('hide');
  });

  it("reads a residency-locked or FedRAMP workspace's catalog with its routing headers (the backend refuses it without)", async () => {
    fx = await usageFixture({
      accounts: [
        { accountId: 'eu', computeResidency: 'eu' },
        { accountId: 'gov', fedramp: true },
      ],
    });
    const results = await fx.queue().refreshAll();
    expect(results.map((result) => result.state)).toEqual(['done', 'done']);
    const reads = catalogReads(fx);
    expect(reads.map((read) => [read.accountId, read.status])).toEqual(
      expect.arrayContaining([
        ['eu', 200],
        ['gov', 200],
      ]),
    );
    expect(reads.find((read) => read.accountId === 'eu')!.headers['x-openai-internal-codex-residency']).toBe('eu');
    const data = await fx.store.current();
    expect(findAccount(data, fx.ids.eu!)!.catalog?.models.length).toBeGreaterThan(0);
    expect(findAccount(data, fx.ids.gov!)!.catalog?.models.length).toBeGreaterThan(0);
  });

  it('does not read it again until it is due, then asks with If-None-Match and keeps it on a 304', async () => {
    fx = await usageFixture({ accounts: [{ accountId: 'a' }] });
    const queue = fx.queue();
    await queue.refresh(fx.ids.a!);
    const first = findAccount(await fx.store.current(), fx.ids.a!)!.catalog!;
    await queue.refresh(fx.ids.a!);
    expect(catalogReads(fx)).toHaveLength(1);

    fx.sim.clock.advance(CATALOG_REFRESH_MS + 1);
    await queue.refresh(fx.ids.a!);
    const reads = catalogReads(fx);
    expect(reads).toHaveLength(2);
    expect(reads[1]!.headers['if-none-match']).toBe(first.etag);
    expect(reads[1]!.status).toBe(304);
    const confirmed = findAccount(await fx.store.current(), fx.ids.a!)!.catalog!;
    expect(confirmed.models).toEqual(first.models);
    expect(confirmed.checkedAt).toBeGreaterThan(first.checkedAt);
  });

  it('picks up a rollout: a changed catalog answers 200 with a new ETag', async () => {
    fx = await usageFixture({ accounts: [{ accountId: 'a' }] });
    const queue = fx.queue();
    await queue.refresh(fx.ids.a!);
    fx.sim.setCatalog('a', [...DEFAULT_SIM_CATALOG, 'gpt-7-preview']);
    fx.sim.clock.advance(CATALOG_REFRESH_MS + 1);
    await queue.refresh(fx.ids.a!);
    expect(catalogReads(fx).map((read) => read.status)).toEqual([200, 200]);
    expect(findAccount(await fx.store.current(), fx.ids.a!)!.catalog!.models.map((model) => model.slug)).toContain('gpt-7-preview');
  });

  it('keeps the usage refresh and the last catalog when the catalog read fails', async () => {
    fx = await usageFixture({ accounts: [{ accountId: 'a' }] });
    fx.sim.addFault({ route: 'codex-models', status: 500 });
    const [result] = await fx.queue().refreshAll();
    expect(result!.state).toBe('done');
    const account = findAccount(await fx.store.current(), fx.ids.a!)!;
    expect(account.usage.fiveHour).toBeDefined();
    expect(account.catalog).toBeUndefined();
    expect(fx.logger.lines.some((line) => line.includes('model catalog read failed'))).toBe(true);
  });
});
