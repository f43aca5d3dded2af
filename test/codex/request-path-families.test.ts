import { afterEach, describe, expect, it } from 'vitest';
import { findAccountByAlias } from '../../src/store/mutations.js';
import { DEFAULT_SIM_FAMILY, greeting } from '../sim/index.js';
import { openCodeRequestBody, requestPathFixture, type RequestPathFixture } from '../support/request-path-fixture.js';

const SPARK = 'gpt-5.3-codex-spark';

let fixture: RequestPathFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

function errorMessage(text: string): string {
  return (JSON.parse(text) as { error: { message: string } }).error.message;
}

describe('request path: limit families (PROTOCOL.md §8)', () => {
  it("records a Spark turn's headers as the Spark family's, not as the account's 5h window", async () => {
    const fx = (fixture = await requestPathFixture({
      accounts: [{ accountId: 'work', fiveHourUsedPercent: 10, families: [{ ...DEFAULT_SIM_FAMILY, fiveHourUsedPercent: 98 }] }],
      sim: { freezeClock: true },
    }));
    const reply = await fx.send({ body: openCodeRequestBody({ model: SPARK }) });
    expect(reply.status).toBe(200);
    const work = await fx.storedAccount('work');
    // The unnamed x-codex-primary-* said 99 (Spark's); the account's own 5h window is not 99.
    expect(work.usage.fiveHour?.usedPercent ?? 10).toBeLessThan(50);
    expect(work.usage.additional?.codex_bengalfox?.fiveHour?.usedPercent).toBe(99);
    expect(work.usage.additional?.codex_bengalfox?.limitName).toBe('GPT-5.3-Codex-Spark');
    expect((await fx.storedData()).modelFamilies?.[SPARK]).toBe('codex_bengalfox');
  });

  it("on a free plan records a Spark turn's 30-day window as the family's, not as the account's", async () => {
    const fx = (fixture = await requestPathFixture({
      accounts: [{ accountId: 'free', usageShape: 'free-monthly', monthlyUsedPercent: 10, families: [{ ...DEFAULT_SIM_FAMILY, monthlyUsedPercent: 98 }] }],
      sim: { freezeClock: true },
    }));
    const reply = await fx.send({ body: openCodeRequestBody({ model: SPARK }) });
    expect(reply.status).toBe(200);
    const free = await fx.storedAccount('free');
    expect(free.usage.monthly?.usedPercent ?? 10).toBeLessThan(50);
    expect(free.usage.additional?.codex_bengalfox?.monthly?.usedPercent).toBeGreaterThanOrEqual(98);
    expect(free.usage.additional?.codex_bengalfox?.fiveHour).toBeUndefined();
  });

  it('a Spark limit on one account while another is out of quota: Spark waits, the other models go on', async () => {
    const fx = (fixture = await requestPathFixture({
      accounts: [
        { accountId: 'work', families: [{ ...DEFAULT_SIM_FAMILY, fiveHourUsedPercent: 100 }] },
        { accountId: 'personal', fiveHourUsedPercent: 100 },
      ],
      sim: { freezeClock: true },
    }));
    const sparkReply = await fx.send({ body: openCodeRequestBody({ model: SPARK }), sessionId: 'ses_spark' });
    expect(sparkReply.status).toBeGreaterThanOrEqual(400);
    expect(fx.responsesTried()).toEqual(['work', 'personal']);
    const message = errorMessage(sparkReply.text);
    // Says which family is out on which account and until when, and the other account's own limit.
    expect(message).toMatch(/work \(GPT-5\.3-Codex-Spark limit reached until \d\d:\d\d \S+ \(in 5 h\)/);
    expect(message).toMatch(/personal \(5h limit \(100% used\) until/);

    const data = await fx.storedData();
    const work = findAccountByAlias(data, 'work')!;
    const sparkResetsAt = fx.sim.familyUsage('work', 'codex_bengalfox').fiveHourResetsAt;
    expect(work.health.familyCooldowns?.codex_bengalfox?.until).toBe(Math.ceil(sparkResetsAt / 1000) * 1000);
    // The account itself is not cooled, nor its 5h window taken for Spark's 100 %.
    expect(work.health.cooldownUntil).toBeUndefined();
    expect(work.usage.fiveHour?.usedPercent ?? 0).toBeLessThan(100);
    expect(findAccountByAlias(data, 'personal')!.health.cooldownUntil).toBeGreaterThan(fx.sim.clock.now());

    // The same account keeps serving its other models...
    const other = await fx.send({ body: openCodeRequestBody({ model: 'gpt-5.4' }), sessionId: 'ses_other' });
    expect(other.text).toContain(greeting('work'));
    // ...and the next Spark request tries nobody: both reasons are known.
    const before = fx.responsesTried().length;
    const again = await fx.send({ body: openCodeRequestBody({ model: SPARK }), sessionId: 'ses_spark2' });
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(fx.responsesTried().length).toBe(before);
  });

  it('sends a Spark request to the account whose Spark limit is not spent', async () => {
    const fx = (fixture = await requestPathFixture({
      accounts: [{ accountId: 'work', families: [{ ...DEFAULT_SIM_FAMILY, fiveHourUsedPercent: 100 }] }, { accountId: 'personal' }],
      sim: { freezeClock: true },
    }));
    const first = await fx.send({ body: openCodeRequestBody({ model: SPARK }), sessionId: 'ses_a' });
    expect(first.text).toContain(greeting('personal'));
    expect(fx.responsesTried()).toEqual(['work', 'personal']);
    // Once known, work is not tried again for Spark, and still serves gpt-5.4.
    const second = await fx.send({ body: openCodeRequestBody({ model: SPARK }), sessionId: 'ses_b' });
    expect(second.text).toContain(greeting('personal'));
    const third = await fx.send({ body: openCodeRequestBody({ model: 'gpt-5.4' }), sessionId: 'ses_c' });
    expect(third.text).toContain(greeting('work'));
    expect(fx.responsesTried()).toEqual(['work', 'personal', 'personal', 'work']);
  });
});
