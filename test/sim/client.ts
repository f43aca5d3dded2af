import type { Simulator, SimTokens } from './index.js';

/** Test-side helpers that speak to a simulator the way the plugin would: real HTTP via global fetch. */

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Splits an SSE body into events; data that is not JSON is kept as `{ raw }`. */
export function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? '';
      const dataLine = /^data: (.*)$/m.exec(block)?.[1] ?? '';
      try {
        return { event, data: JSON.parse(dataLine) as Record<string, unknown> };
      } catch {
        return { event, data: { raw: dataLine } };
      }
    });
}

export function deltaText(events: SseEvent[]): string {
  return events
    .filter((e) => e.event === 'response.output_text.delta')
    .map((e) => String(e.data.delta))
    .join('');
}

export function backendHeaders(tokens: Pick<SimTokens, 'access_token'>, accountId: string): Record<string, string> {
  return {
    authorization: `Bearer ${tokens.access_token}`,
    'chatgpt-account-id': accountId,
    originator: 'codex_cli_rs',
    'content-type': 'application/json',
  };
}

export function responsesBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'gpt-5.4',
    instructions: 'You are a helpful assistant.',
    input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'say hi' }] }],
    stream: true,
    store: false,
    ...extra,
  };
}

export function postResponses(
  sim: Simulator,
  tokens: Pick<SimTokens, 'access_token'>,
  accountId: string,
  body: Record<string, unknown> = responsesBody(),
): Promise<Response> {
  return fetch(`${sim.baseUrl}/codex/responses`, {
    method: 'POST',
    headers: backendHeaders(tokens, accountId),
    body: JSON.stringify(body),
  });
}

export function getUsage(sim: Simulator, route: 'codex' | 'wham', tokens: Pick<SimTokens, 'access_token'>, accountId: string): Promise<Response> {
  return fetch(`${sim.baseUrl}/${route}/usage`, { headers: backendHeaders(tokens, accountId) });
}

/** `GET /codex/models`; `clientVersion: null` leaves the parameter out. */
export function getModels(
  sim: Simulator,
  tokens: Pick<SimTokens, 'access_token'>,
  accountId: string,
  options: { clientVersion?: string | null; ifNoneMatch?: string } = {},
): Promise<Response> {
  const version = options.clientVersion === undefined ? '0.169.0' : options.clientVersion;
  const query = version === null ? '' : `?client_version=${encodeURIComponent(version)}`;
  const headers: Record<string, string> = backendHeaders(tokens, accountId);
  if (options.ifNoneMatch) headers['if-none-match'] = options.ifNoneMatch;
  return fetch(`${sim.baseUrl}/codex/models${query}`, { headers });
}

export function postForm(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

export function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

export const CLIENT_ID = 'app_EMoamEEZ73f0CkXaXp7hrann';

export function refresh(sim: Simulator, refreshToken: string): Promise<Response> {
  return postForm(`${sim.issuer}/oauth/token`, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT_ID });
}

/** Polls a condition (no fixed sleeps, so slow machines only make it slower, never wrong). */
export async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('waitFor: condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
