/**
 * Request shaping for the Codex backend: each rule names the backend error it avoids.
 * Pure; everything not named here passes through untouched.
 */
export type RequestBody = Record<string, unknown>;

/** Parameters the Codex backend rejects with 400 "Unsupported parameter: <name>". */
export const UNSUPPORTED_PARAMETERS = ['max_output_tokens', 'max_completion_tokens', 'max_tokens'] as const;

const ENCRYPTED_REASONING = 'reasoning.encrypted_content';

/** Model suffix that asks for the priority service tier, as OpenCode's own plugin offers it. */
export const FAST_SUFFIX = '-fast';

export function shapeRequestBody(body: RequestBody): RequestBody {
  const shaped: RequestBody = { ...body };
  // "Store must be set to false": ChatGPT accounts cannot store responses server-side.
  shaped.store = false;
  // "Stream must be set to true": the Codex backend only streams.
  shaped.stream = true;
  // With store=false, reasoning can only be carried between turns as encrypted content.
  const include = Array.isArray(body.include) ? (body.include as unknown[]) : [];
  shaped.include = include.includes(ENCRYPTED_REASONING) ? include : [...include, ENCRYPTED_REASONING];
  // "Unsupported parameter: max_output_tokens" (and its aliases).
  for (const name of UNSUPPORTED_PARAMETERS) delete shaped[name];
  // A `-fast` model is the same model on the priority tier; the backend knows only the base id.
  if (typeof body.model === 'string' && body.model.endsWith(FAST_SUFFIX)) {
    shaped.model = body.model.slice(0, -FAST_SUFFIX.length);
    shaped.service_tier = 'priority';
  }
  return shaped;
}

/**
 * Removes reasoning items (and their encrypted content) from the input. Reasoning encrypted for one
 * account's organization fails on another ("invalid_encrypted_content"), so a session that moves
 * account drops it; the visible conversation is kept.
 */
export function withoutEncryptedReasoning(body: RequestBody): RequestBody {
  if (!Array.isArray(body.input)) return body;
  const input = (body.input as unknown[]).filter(
    (item) => !(item && typeof item === 'object' && (item as { type?: unknown }).type === 'reasoning'),
  );
  return input.length === body.input.length ? body : { ...body, input };
}

/** True when the input carries reasoning items that only the account that made them can read. */
export function hasEncryptedReasoning(body: RequestBody): boolean {
  return (
    Array.isArray(body.input) &&
    (body.input as unknown[]).some((item) => item && typeof item === 'object' && (item as { type?: unknown }).type === 'reasoning')
  );
}
