import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './index.js';
import { backendHeaders, getUsage, parseSse, postResponses, refresh, responsesBody, waitFor } from './client.js';

let sim: Simulator;
afterEach(async () => {
  await sim?.close();
});

/** Posts to /codex/responses with node:http, collecting what arrived before the connection ended or broke. */
function rawResponses(s: Simulator, accessToken: string, accountId: string) {
  return new Promise<{ status: number; received: string; error?: Error }>((resolve) => {
    const req = request(`${s.baseUrl}/codex/responses`, {
      method: 'POST',
      headers: backendHeaders({ access_token: accessToken }, accountId),
    });
    req.on('response', (res) => {
      let received = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (received += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, received }));
      res.on('error', (error) => resolve({ status: res.statusCode ?? 0, received, error }));
      res.on('aborted', () => resolve({ status: res.statusCode ?? 0, received, error: new Error('aborted') }));
    });
    req.on('error', (error) => resolve({ status: 0, received: '', error }));
    req.end(JSON.stringify(responsesBody()));
  });
}

describe('fault injection', () => {
  it('replaces the answer with status, body and headers, only for the named account and only `times` times', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }, { accountId: 'b' }] });
    const a = sim.issueTokens('a');
    const b = sim.issueTokens('b');
    sim.addFault({
      route: 'responses',
      accountId: 'a',
      times: 2,
      status: 503,
      body: '{"error":{"type":"server_is_overloaded"}}',
      headers: { 'retry-after-ms': '1500' },
    });
    const first = await postResponses(sim, a, 'a');
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after-ms')).toBe('1500');
    expect(first.headers.get('content-type')).toContain('application/json');
    expect(await first.json()).toEqual({ error: { type: 'server_is_overloaded' } });
    expect((await postResponses(sim, b, 'b')).status).toBe(200);
    expect((await postResponses(sim, a, 'a')).status).toBe(503);
    expect((await postResponses(sim, a, 'a')).status).toBe(200);
    // Faulted requests are not charged.
    expect(sim.usage('a').fiveHourUsedPercent).toBe(1);
  });

  it('answers a Cloudflare challenge', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    sim.addFault({ route: 'codex-usage', challenge: true, times: 1 });
    const tokens = sim.issueTokens('a');
    const challenged = await getUsage(sim, 'codex', tokens, 'a');
    expect(challenged.status).toBe(403);
    expect(challenged.headers.get('cf-mitigated')).toBe('challenge');
    expect(await challenged.text()).toMatch(/^<!DOCTYPE html>/);
    expect((await getUsage(sim, 'codex', tokens, 'a')).status).toBe(200);
  });

  it('delays headers, then answers normally', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    sim.addFault({ route: 'wham-usage', delayHeadersMs: 1_000, times: 1 });
    const tokens = sim.issueTokens('a');
    let answered = false;
    const pending = getUsage(sim, 'wham', tokens, 'a').then((res) => {
      answered = true;
      return res;
    });
    await waitFor(() => sim.counters.inFlight('wham-usage') === 1);
    // The server holds the request and the client has no headers yet.
    expect(answered).toBe(false);
    const res = await pending;
    expect(res.status).toBe(200);
    expect(sim.counters.inFlight('wham-usage')).toBe(0);
  });

  it('holds headers long enough for a client timeout to fire, and close() does not wait for it', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    sim.addFault({ route: 'responses', delayHeadersMs: 60_000 });
    await expect(postResponsesWithTimeout(sim, sim.issueTokens('a').access_token, 100)).rejects.toThrow();
  });

  it('resets the connection mid-stream after a few events', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    sim.addFault({ route: 'responses', resetMidStream: true, times: 1 });
    const tokens = sim.issueTokens('a');
    const cut = await rawResponses(sim, tokens.access_token, 'a');
    expect(cut.status).toBe(200);
    expect(cut.error).toBeDefined();
    const events = parseSse(cut.received);
    expect(events.length).toBeGreaterThan(0);
    expect(events.some((e) => e.event === 'response.completed')).toBe(false);

    const whole = await rawResponses(sim, tokens.access_token, 'a');
    expect(whole.error).toBeUndefined();
    expect(parseSse(whole.received).at(-1)?.event).toBe('response.completed');
  });

  it('resets the connection before answering on non-streaming routes', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    sim.addFault({ route: 'token', resetMidStream: true, times: 1 });
    await expect(refresh(sim, sim.issueTokens('a').refresh_token)).rejects.toThrow();
  });

  it('spaces SSE events by delayBodyMs', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    sim.addFault({ route: 'responses', delayBodyMs: 400, times: 1 });
    const res = await postResponses(sim, sim.issueTokens('a'), 'a');
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    const head = new TextDecoder().decode(first.value);
    expect(head).toContain('response.created');
    // Eight more events at 400 ms each cannot all have arrived yet.
    expect(head).not.toContain('response.completed');
    // The stream is still being written, one event per delay.
    expect(sim.counters.inFlight('responses')).toBe(1);
    await reader.cancel();
  });

  it('emits response.failed after a delta and ends', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    sim.addFault({ route: 'responses', responseFailed: true, times: 1 });
    const events = parseSse(await (await postResponses(sim, sim.issueTokens('a'), 'a')).text());
    const types = events.map((e) => e.event);
    expect(types).toContain('response.output_text.delta');
    expect(types.at(-1)).toBe('response.failed');
    expect(types).not.toContain('response.completed');
    expect(types.indexOf('response.output_text.delta')).toBeLessThan(types.indexOf('response.failed'));
    expect((events.at(-1)!.data.response as { status: string }).status).toBe('failed');
  });

  it('answers 200 with a body that is not JSON on usage and token routes', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    const tokens = sim.issueTokens('a');
    sim.addFault({ route: 'codex-usage', malformedJson: true, times: 1 });
    sim.addFault({ route: 'token', malformedJson: true, accountId: 'a', times: 1 });
    const usage = await getUsage(sim, 'codex', tokens, 'a');
    expect(usage.status).toBe(200);
    await expect(usage.json()).rejects.toThrow();
    const token = await refresh(sim, tokens.refresh_token);
    expect(token.status).toBe(200);
    await expect(token.json()).rejects.toThrow();
    // The faulted refresh did not spend the token.
    expect((await refresh(sim, tokens.refresh_token)).status).toBe(200);
  });

  it('sends an SSE event whose data is not JSON on responses', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    sim.addFault({ route: 'responses', malformedJson: true, times: 1 });
    const events = parseSse(await (await postResponses(sim, sim.issueTokens('a'), 'a')).text());
    expect(events.some((e) => 'raw' in e.data)).toBe(true);
    expect(events.map((e) => e.event)).not.toContain('response.completed');
  });

  it('forces per-account refresh errors on the token route', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }, { accountId: 'b' }] });
    sim.addFault({ route: 'token', accountId: 'a', status: 401, body: '{"error":"refresh_token_expired"}' });
    expect((await refresh(sim, sim.issueTokens('a').refresh_token)).status).toBe(401);
    expect((await refresh(sim, sim.issueTokens('b').refresh_token)).status).toBe(200);
    sim.clearFaults();
    expect((await refresh(sim, sim.issueTokens('a').refresh_token)).status).toBe(200);
  });

  it('faults the device flow routes', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    sim.addFault({ route: 'usercode', status: 429, times: 1 });
    const res = await fetch(`${sim.issuer}/api/accounts/deviceauth/usercode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'app_EMoamEEZ73f0CkXaXp7hrann' }),
    });
    expect(res.status).toBe(429);
    expect(sim.counters.requests('usercode')).toBe(1);
  });
});

/** Reads a reply until it ends or `ms` pass, and says which. */
async function readFor(res: Response, ms: number): Promise<{ text: string; stalled: boolean }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms));
  for (;;) {
    const next = await Promise.race([reader.read(), timeout]);
    if (next === 'timeout') {
      await reader.cancel();
      return { text, stalled: true };
    }
    if (next.done) return { text, stalled: false };
    text += decoder.decode(next.value, { stream: true });
  }
}

describe('fault injection: replies that are not answers', () => {
  it('sends the headers of an error reply and holds its body back (stallBody)', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    sim.addFault({ route: 'responses', times: 1, status: 429, body: '{"error":{"type":"rate_limit_exceeded"}}', stallBody: true });
    const res = await postResponses(sim, sim.issueTokens('a'), 'a');
    expect(res.status).toBe(429);
    expect(await readFor(res, 500)).toEqual({ text: '', stalled: true });
  });

  it('stalls a stream before its first event, or after n events, with the connection open', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    const tokens = sim.issueTokens('a');
    sim.addFault({ route: 'responses', times: 1, stallAfterEvents: 0 });
    const before = await postResponses(sim, tokens, 'a');
    expect(before.status).toBe(200);
    expect(before.headers.get('content-type')).toContain('text/event-stream');
    expect(await readFor(before, 500)).toEqual({ text: '', stalled: true });

    sim.addFault({ route: 'responses', times: 1, stallAfterEvents: 5 });
    const midway = await readFor(await postResponses(sim, tokens, 'a'), 500);
    expect(midway.stalled).toBe(true);
    expect(parseSse(midway.text).map((e) => e.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
    ]);
  });

  it('ends a stream cleanly after n events without a terminal event', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    sim.addFault({ route: 'responses', times: 1, endAfterEvents: 2 });
    const ended = await readFor(await postResponses(sim, sim.issueTokens('a'), 'a'), 5_000);
    expect(ended.stalled).toBe(false);
    expect(parseSse(ended.text).map((e) => e.event)).toEqual(['response.created', 'response.in_progress']);
  });

  it('opens a stream with a top-level error event, or sends one mid-way, and ends', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    const tokens = sim.issueTokens('a');
    sim.addFault({ route: 'responses', times: 1, errorEvent: { code: 'usage_limit_reached', message: 'The usage limit has been reached' } });
    const first = parseSse((await readFor(await postResponses(sim, tokens, 'a'), 5_000)).text);
    expect(first).toEqual([
      { event: 'error', data: { type: 'error', code: 'usage_limit_reached', message: 'The usage limit has been reached', param: null, sequence_number: 0 } },
    ]);
    sim.addFault({ route: 'responses', times: 1, errorEvent: { code: 'server_is_overloaded', afterEvents: 5 } });
    const later = parseSse((await readFor(await postResponses(sim, tokens, 'a'), 5_000)).text);
    expect(later.map((e) => e.event)).toHaveLength(6);
    expect(later.at(-1)).toMatchObject({ event: 'error', data: { code: 'server_is_overloaded' } });
  });

  it('ends a stream with response.incomplete, before any output by default', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    sim.addFault({ route: 'responses', times: 1, incomplete: { reason: 'max_output_tokens' } });
    const events = parseSse((await readFor(await postResponses(sim, sim.issueTokens('a'), 'a'), 5_000)).text);
    expect(events.map((e) => e.event)).toEqual(['response.created', 'response.in_progress', 'response.incomplete']);
    expect(events.at(-1)!.data).toMatchObject({ response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } } });
  });

  it('answers a 200 in another content type when told to', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    sim.addFault({ route: 'responses', times: 1, status: 200, body: '<html><body>Hello</body></html>', headers: { 'content-type': 'text/html' } });
    const res = await postResponses(sim, sim.issueTokens('a'), 'a');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(await res.text()).toContain('<html>');
  });

  it('cuts a stalled reply when the simulator closes, so close() never waits on it', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    sim.addFault({ route: 'responses', stallAfterEvents: 0 });
    const res = await postResponses(sim, sim.issueTokens('a'), 'a');
    const started = Date.now();
    await sim.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(res.text()).rejects.toThrow();
  });
});

async function postResponsesWithTimeout(s: Simulator, accessToken: string, ms: number): Promise<Response> {
  return fetch(`${s.baseUrl}/codex/responses`, {
    method: 'POST',
    headers: backendHeaders({ access_token: accessToken }, 'a'),
    body: JSON.stringify(responsesBody()),
    signal: AbortSignal.timeout(ms),
  });
}
