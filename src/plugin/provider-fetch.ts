import { errorResponse } from '../codex/error-response.js';
import type { ModelRequest } from '../codex/request-path.js';
import { parseRequestBody } from '../codex/request-body.js';

/** What the plugin can do for a request right now: route it, or say why it cannot. */
export type Readiness = { ready: true; send: (request: ModelRequest) => Promise<Response> } | { ready: false; explain: () => Response };

function isModelRoute(url: string): boolean {
  const path = url.split('?', 1)[0]!;
  return path.endsWith('/responses') || path.endsWith('/chat/completions');
}

function mergedHeaders(input: RequestInfo | URL, init: RequestInit | undefined): Headers {
  if (!(input instanceof Request)) return new Headers(init?.headers);
  const headers = new Headers(input.headers);
  if (init?.headers) new Headers(init.headers).forEach((value, name) => headers.set(name, value));
  return headers;
}

async function readBodyText(input: RequestInfo | URL, init: RequestInit | undefined): Promise<string | undefined> {
  const body = init?.body ?? undefined;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array || body instanceof ArrayBuffer) return new TextDecoder().decode(body);
  if (body !== undefined) return new Response(body).text();
  if (input instanceof Request) return input.text();
  return undefined;
}

/** OpenCode's session-title request (no tools, fixed instructions): an error there is never shown to the user. */
function isTitleRequest(body: Record<string, unknown>): boolean {
  return typeof body.instructions === 'string' && body.instructions.startsWith('You are a title generator');
}

/**
 * The fetch handed to OpenCode for provider `openai`. Model requests go to the request path;
 * anything else is refused here, so the placeholder API key never reaches OpenAI. `notice`, when it
 * answers, replaces the reply to a request the user sees (never the title request): a one-time message.
 */
export function createProviderFetch(readiness: () => Promise<Readiness>, notice?: () => Response | undefined): typeof fetch {
  const providerFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input);
    if (!isModelRoute(url)) {
      return errorResponse(404, {
        message: `opencode-multi-auth-codex only serves model requests (/responses); ${new URL(url).pathname} is not available through a ChatGPT account.`,
        type: 'invalid_request_error',
        code: 'unsupported_route',
      });
    }
    const state = await readiness();
    if (!state.ready) return state.explain();
    const text = await readBodyText(input, init);
    const body = text === undefined ? undefined : parseRequestBody(text);
    if (!body) {
      return errorResponse(400, { message: 'The model request body is not a JSON object.', type: 'invalid_request_error', code: 'invalid_body' });
    }
    const shown = isTitleRequest(body) ? undefined : notice?.();
    if (shown) return shown;
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    return state.send({ body, headers: mergedHeaders(input, init), signal });
  };
  return providerFetch;
}
