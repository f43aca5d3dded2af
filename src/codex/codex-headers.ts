import { readWorkspaceRouting, workspaceRoutingHeaders, type WorkspaceRouting } from '../tokens/jwt-claims.js';

/** Headers that must not be copied from OpenCode's request to the Codex backend (the routing ones are per account). */
const DROPPED = new Set([
  'authorization',
  'chatgpt-account-id',
  'content-length',
  'host',
  'connection',
  'x-api-key',
  'openai-organization',
  'openai-project',
  'x-openai-internal-codex-residency',
  'x-openai-fedramp',
]);

export interface CodexHeaderInput {
  incoming: Headers;
  accessToken: string;
  chatgptAccountId: string;
  sessionId?: string;
  /** `opencode-multi-auth-codex/<version>`, prepended to OpenCode's own User-Agent. */
  pluginAgent: string;
  /** The account's region and FedRAMP flag. Default: read from `accessToken`'s claims. */
  routing?: WorkspaceRouting;
}

/**
 * The headers for one attempt: OpenCode's own, minus its placeholder authorization, plus the
 * chosen account's token, id and workspace routing, and what OpenCode's built-in Codex plugin would have added
 * (so they are there even with the default plugins off).
 */
export function buildCodexHeaders(input: CodexHeaderInput): Headers {
  const headers = new Headers();
  input.incoming.forEach((value, name) => {
    if (!DROPPED.has(name)) headers.set(name, value);
  });
  headers.set('authorization', `Bearer ${input.accessToken}`);
  headers.set('chatgpt-account-id', input.chatgptAccountId);
  // A residency-locked or FedRAMP workspace refuses requests without these (PROTOCOL.md §8).
  for (const [name, value] of Object.entries(workspaceRoutingHeaders(input.routing ?? readWorkspaceRouting(input.accessToken)))) headers.set(name, value);
  if (!headers.has('originator')) headers.set('originator', 'opencode');
  const opencodeAgent = input.incoming.get('user-agent');
  headers.set('user-agent', opencodeAgent ? `${input.pluginAgent} ${opencodeAgent}` : input.pluginAgent);
  if (input.sessionId !== undefined) {
    headers.set('session_id', input.sessionId);
    if (!headers.has('session-id')) headers.set('session-id', input.sessionId);
  }
  if (!headers.has('accept')) headers.set('accept', 'text/event-stream');
  headers.set('content-type', 'application/json');
  return headers;
}

/** OpenCode's session id: the headers its plugins and provider set, else the prompt cache key. */
export function readSessionId(headers: Headers, body: Record<string, unknown>): string | undefined {
  return (
    headers.get('session_id') ??
    headers.get('session-id') ??
    headers.get('x-session-id') ??
    headers.get('x-session-affinity') ??
    (typeof body.prompt_cache_key === 'string' ? body.prompt_cache_key : undefined)
  );
}
