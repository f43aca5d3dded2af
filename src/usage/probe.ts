import { codexRequestHeaders } from '../http/codex-request-headers.js';
import { ProbeError } from './errors.js';
import { hasWindows, snapshotsFromHeaders, type UsageObservation } from './rate-limit-headers.js';

export interface ProbeRequest {
  baseUrl: string;
  accessToken: string;
  chatgptAccountId: string;
  model: string;
  fetch?: typeof fetch;
  /** Until the response headers arrive. Default 30 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** The time the snapshots are stamped with, epoch ms. */
  observedAt: number;
}

/**
 * The smallest request the backend accepts. No `max_output_tokens`: the Codex backend rejects it.
 * Only the headers matter; the body is cancelled as soon as they arrive.
 */
function probeBody(model: string): Record<string, unknown> {
  return {
    model,
    instructions: 'Reply with one word.',
    input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
    stream: true,
    store: false,
  };
}

/**
 * Learns an account's limits from the `x-codex-*` headers of a minimal `/codex/responses` request,
 * for when the usage endpoint will not answer. Spends a little quota: ration it with probe-policy.
 * The headers count even on a 429, which is exactly when they matter. Throws {@link ProbeError}.
 */
export async function probeLimits(request: ProbeRequest): Promise<UsageObservation> {
  const fetchFn = request.fetch ?? globalThis.fetch;
  const timeoutMs = request.timeoutMs ?? 30_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetchFn(`${request.baseUrl}/codex/responses`, {
      method: 'POST',
      headers: {
        ...codexRequestHeaders(request.accessToken, request.chatgptAccountId),
        'content-type': 'application/json',
        accept: 'text/event-stream',
      },
      body: JSON.stringify(probeBody(request.model)),
      signal,
    });
  } catch (error) {
    if (request.signal?.aborted) throw new ProbeError('cancelled', 'The probe was cancelled.');
    if (timeout.aborted) throw new ProbeError('timeout', `The probe got no response headers within ${timeoutMs} ms.`);
    const reason = error instanceof Error ? error.message : String(error);
    throw new ProbeError('network', `The probe request failed before an answer: ${reason}.`);
  }
  // Headers are all we came for; stop the model from streaming into nowhere.
  await response.body?.cancel().catch(() => {});
  const observation = snapshotsFromHeaders(response.headers, request.observedAt, 'probe');
  if (hasWindows(observation)) return observation;
  if (!response.ok) throw new ProbeError('http', `The probe was answered with HTTP ${response.status} and no rate-limit headers.`, { status: response.status });
  throw new ProbeError('no-headers', 'The probe was answered without x-codex-* rate-limit headers; the limits stay unknown.', {
    status: response.status,
  });
}
