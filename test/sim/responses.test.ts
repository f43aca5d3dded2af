import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './index.js';
import { deltaText, parseSse, postResponses, responsesBody } from './client.js';

let sim: Simulator;
afterEach(async () => {
  await (sim as Simulator | undefined)?.close(); // unset when a test failed before starting one
});

const FULL_SEQUENCE = [
  'response.created',
  'response.in_progress',
  'response.output_item.added',
  'response.content_part.added',
  'response.output_text.delta',
  'response.output_text.done',
  'response.content_part.done',
  'response.output_item.done',
  'response.completed',
];

describe('POST /codex/responses', () => {
  it('streams the full Responses event sequence naming the account', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'acct-42' }] });
    const res = await postResponses(sim, sim.issueTokens('acct-42'), 'acct-42');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = parseSse(await res.text());
    const distinct = events.map((e) => e.event).filter((type, i, all) => type !== all[i - 1]);
    expect(distinct).toEqual(FULL_SEQUENCE);
    expect(events.filter((e) => e.event === 'response.output_text.delta').length).toBeGreaterThan(1);
    for (const e of events) expect(e.data.type).toBe(e.event);
    expect(events.map((e) => e.data.sequence_number)).toEqual(events.map((_, i) => i));
    expect(deltaText(events)).toBe('Hello from acct-42.');
    const completed = events.at(-1)!.data.response as Record<string, unknown>;
    expect(completed).toMatchObject({ status: 'completed', model: 'gpt-5.4', object: 'response' });
    expect(String(completed.id)).toMatch(/^resp_/);
    const usage = completed.usage as { input_tokens: number; output_tokens: number; total_tokens: number };
    expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
    expect(usage.output_tokens).toBeGreaterThan(0);
  });

  it('charges each request and reports usage after the charge in x-codex headers', async () => {
    sim = await startSimulator({
      freezeClock: true,
      accounts: [{ accountId: 'a', fiveHourUsedPercent: 10, weeklyUsedPercent: 50, costPerRequest: { fiveHour: 2, weekly: 0.5 } }],
    });
    const res = await postResponses(sim, sim.issueTokens('a'), 'a');
    await res.text();
    expect(res.headers.get('x-codex-primary-used-percent')).toBe('12');
    expect(res.headers.get('x-codex-primary-window-minutes')).toBe('300');
    expect(res.headers.get('x-codex-secondary-used-percent')).toBe('50.5');
    expect(res.headers.get('x-codex-secondary-window-minutes')).toBe('10080');
    expect(Number(res.headers.get('x-codex-primary-reset-at'))).toBe(Math.ceil(sim.usage('a').fiveHourResetsAt / 1000));
    expect(Number(res.headers.get('x-codex-primary-reset-after-seconds'))).toBe(5 * 3600);
    expect(res.headers.get('x-codex-credits-has-credits')).toBe('False');
    expect(res.headers.get('x-codex-credits-unlimited')).toBe('False');
    expect(sim.usage('a')).toMatchObject({ fiveHourUsedPercent: 12, weeklyUsedPercent: 50.5 });
  });

  it('puts the weekly window in the primary headers when the account reports it so', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a', primaryWindow: 'weekly' }] });
    const res = await postResponses(sim, sim.issueTokens('a'), 'a');
    await res.text();
    expect(res.headers.get('x-codex-primary-window-minutes')).toBe('10080');
    expect(res.headers.get('x-codex-primary-used-percent')).toBe('0.2');
    expect(res.headers.get('x-codex-secondary-window-minutes')).toBe('300');
    expect(res.headers.get('x-codex-secondary-used-percent')).toBe('1');
  });

  it('answers 429 usage_limit_reached once a window is used up, and serves again after its reset', async () => {
    sim = await startSimulator({ freezeClock: true, accounts: [{ accountId: 'a', fiveHourUsedPercent: 99 }] });
    const tokens = sim.issueTokens('a');
    const resetsAt = sim.usage('a').fiveHourResetsAt;
    await (await postResponses(sim, tokens, 'a')).text();
    expect(sim.usage('a').fiveHourUsedPercent).toBe(100);

    const limited = await postResponses(sim, tokens, 'a');
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({
      error: {
        type: 'usage_limit_reached',
        message: 'The usage limit has been reached',
        plan_type: 'plus',
        resets_at: Math.ceil(resetsAt / 1000),
      },
    });
    expect(limited.headers.get('x-codex-active-limit')).toBe('premium');
    expect(limited.headers.get('x-codex-primary-used-percent')).toBe('100');
    expect(sim.usage('a').fiveHourUsedPercent).toBe(100);

    sim.clock.advance(resetsAt - sim.clock.now());
    expect(sim.usage('a')).toMatchObject({ fiveHourUsedPercent: 0, fiveHourResetsAt: resetsAt + 5 * 3600_000 });
    // Five hours later the access token has expired too; a fresh one is served.
    const served = await postResponses(sim, sim.issueTokens('a'), 'a');
    expect(served.status).toBe(200);
    expect(deltaText(parseSse(await served.text()))).toBe('Hello from a.');
  });

  it('names the weekly reset when the weekly window is the one used up', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a', weeklyUsedPercent: 100 }] });
    const limited = await postResponses(sim, sim.issueTokens('a'), 'a');
    expect(limited.status).toBe(429);
    const body = (await limited.json()) as { error: { resets_at: number } };
    expect(body.error.resets_at).toBe(Math.ceil(sim.usage('a').weeklyResetsAt / 1000));
  });

  it.each(['max_output_tokens', 'max_completion_tokens', 'max_tokens'])('rejects %s like the real backend', async (param) => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    const res = await postResponses(sim, sim.issueTokens('a'), 'a', responsesBody({ [param]: 1000 }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: `Unsupported parameter: ${param}` });
    expect(sim.usage('a').fiveHourUsedPercent).toBe(0);
  });

  it('requires stream: true and store: false', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    const tokens = sim.issueTokens('a');
    expect((await postResponses(sim, tokens, 'a', responsesBody({ stream: false }))).status).toBe(400);
    const stored = await postResponses(sim, tokens, 'a', responsesBody({ store: true }));
    expect(stored.status).toBe(400);
    expect(await stored.json()).toEqual({ detail: 'Store must be set to false' });
  });

  it('rejects models the account cannot use', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a', unsupportedModels: ['gpt-5.4-pro'] }] });
    const res = await postResponses(sim, sim.issueTokens('a'), 'a', responsesBody({ model: 'gpt-5.4-pro' }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: "The 'gpt-5.4-pro' model is not supported when using Codex with a ChatGPT account." });
  });

  it('binds encrypted reasoning to the account that produced it', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }, { accountId: 'b' }] });
    const a = sim.issueTokens('a');
    const b = sim.issueTokens('b');
    const first = parseSse(await (await postResponses(sim, a, 'a', responsesBody({ include: ['reasoning.encrypted_content'] }))).text());
    const reasoning = first
      .filter((e) => e.event === 'response.output_item.done')
      .map((e) => e.data.item as Record<string, unknown>)
      .find((item) => item.type === 'reasoning');
    expect(String(reasoning?.encrypted_content)).toMatch(/^enc:a:/);

    const replay = responsesBody({ input: [reasoning, { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'more' }] }] });
    expect((await postResponses(sim, a, 'a', replay)).status).toBe(200);
    const foreign = await postResponses(sim, b, 'b', replay);
    expect(foreign.status).toBe(400);
    expect(await foreign.json()).toEqual({
      error: {
        code: 'invalid_encrypted_content',
        message: 'The encrypted content could not be verified. organization_id did not match.',
        type: 'invalid_request_error',
      },
    });
  });

  it('streams about SIM_BYTES of delta text on request', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }], bulkChunkBytes: 4096 });
    const body = responsesBody({ input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'SIM_BYTES=1000000' }] }] });
    const events = parseSse(await (await postResponses(sim, sim.issueTokens('a'), 'a', body)).text());
    const text = deltaText(events);
    expect(text.startsWith('Hello from a.')).toBe(true);
    expect(text.length).toBe('Hello from a.'.length + 1_000_000);
    expect(events.at(-1)?.event).toBe('response.completed');
    expect(events.map((e) => e.data.sequence_number)).toEqual(events.map((_, i) => i));
  });
});
