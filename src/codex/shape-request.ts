/**
 * Request shaping for the Codex backend: a table of rules, each naming the backend error it avoids.
 * Pure; everything no rule names passes through untouched. Large values may arrive as RawJson
 * (request-body.ts); the rules that look inside them go through its helpers.
 */
import { FAST_SUFFIX } from '../models/codex-models.js';
import { mayContainType, plainValue, takeLeading, type RequestBody } from './request-body.js';

export type { RequestBody } from './request-body.js';

/**
 * Parameters the Codex backend rejects with 400 "Unsupported parameter: <name>". The token limits
 * come from OpenCode's API-key request shape (its own ChatGPT plugin drops `maxOutputTokens` for the
 * same reason); the sampling ones from OpenCode's title agent and user configs (`temperature: 0.5`
 * reaches the fetch for models whose catalog entry allows it; gpt-5.6 and gpt-6 models answer
 * `{"detail":"Unsupported parameter: temperature"}`).
 */
const UNSUPPORTED_PARAMETERS = [
  'max_output_tokens',
  'max_completion_tokens',
  'max_tokens',
  'temperature',
  'top_p',
  'frequency_penalty',
  'presence_penalty',
] as const;

const ENCRYPTED_REASONING = 'reasoning.encrypted_content';

/** Message roles whose text belongs in `instructions` when it leads the input. */
const INSTRUCTION_ROLES = new Set(['system', 'developer']);

export interface ShapingRule {
  /** What the rule does, for tests and the decision log. */
  name: string;
  /** The backend error a request without this rule would get. */
  avoids: string;
  /** Changes `shaped` (a shallow copy of the request) in place; never touches nested values it does not replace. */
  apply(shaped: RequestBody): void;
}

function messageText(item: unknown): string | undefined {
  if (!item || typeof item !== 'object') return undefined;
  const { role, content } = item as { role?: unknown; content?: unknown };
  if (typeof role !== 'string' || !INSTRUCTION_ROLES.has(role)) return undefined;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const texts = content.map((part) => (part && typeof part === 'object' ? (part as { text?: unknown }).text : undefined));
  return texts.every((text): text is string => typeof text === 'string') ? texts.join('\n') : undefined;
}

/** The rules in the order they apply. */
export const SHAPING_RULES: readonly ShapingRule[] = [
  {
    name: 'store is false',
    avoids: 'Store must be set to false',
    apply(shaped) {
      shaped.store = false;
    },
  },
  {
    name: 'stream is true',
    avoids: 'Stream must be set to true',
    apply(shaped) {
      shaped.stream = true;
    },
  },
  {
    // With store=false, reasoning only survives between turns as encrypted content; without it
    // the next turn's reasoning item cannot be resolved.
    name: 'include keeps reasoning.encrypted_content',
    avoids: "Item with id 'rs_…' not found. Items are not persisted when `store` is set to false",
    apply(shaped) {
      const current = plainValue(shaped.include);
      const include = Array.isArray(current) ? (current as unknown[]) : [];
      shaped.include = include.includes(ENCRYPTED_REASONING) ? include : [...include, ENCRYPTED_REASONING];
    },
  },
  {
    name: 'unsupported parameters are removed',
    avoids: 'Unsupported parameter: max_output_tokens (and the others listed)',
    apply(shaped) {
      for (const name of UNSUPPORTED_PARAMETERS) delete shaped[name];
    },
  },
  {
    // OpenCode moves its system prompt into `instructions` only for an `oauth` record; with the
    // `api` record this plugin uses, it arrives as leading developer/system messages instead.
    name: 'leading system/developer messages become instructions',
    avoids: 'Instructions are required',
    apply(shaped) {
      if (typeof shaped.instructions === 'string' && shaped.instructions.length > 0) return;
      const split = takeLeading(shaped.input, (item) => messageText(item) !== undefined);
      if (!split || split.leading.length === 0) return;
      shaped.instructions = split.leading.map((item) => messageText(item)!).join('\n');
      shaped.input = split.rest;
    },
  },
  {
    // A model configured by hand as `gpt-x-fast` (without the catalog's `api.id` and
    // `serviceTier` option) would reach the backend under a name it does not know.
    name: 'a -fast model is its base model on the priority tier',
    avoids: "The 'gpt-x-fast' model is not supported when using Codex with a ChatGPT account",
    apply(shaped) {
      if (typeof shaped.model !== 'string' || !shaped.model.endsWith(FAST_SUFFIX)) return;
      shaped.model = shaped.model.slice(0, -FAST_SUFFIX.length);
      shaped.service_tier = 'priority';
    },
  },
];

/** The request body as the Codex backend accepts it. Does not change `body`. */
export function shapeRequestBody(body: RequestBody): RequestBody {
  const shaped: RequestBody = { ...body };
  for (const rule of SHAPING_RULES) rule.apply(shaped);
  return shaped;
}

/**
 * Removes reasoning items (and their encrypted content) from the input. Reasoning encrypted for one
 * account's organization fails on another ("invalid_encrypted_content"), so a session that moves
 * account drops it; the visible conversation is kept.
 */
export function withoutEncryptedReasoning(body: RequestBody): RequestBody {
  if (!mayContainType(body.input, 'reasoning')) return body;
  const original = plainValue(body.input);
  if (!Array.isArray(original)) return body;
  const input = original.filter((item) => !isReasoningItem(item));
  return input.length === original.length ? body : { ...body, input };
}

function isReasoningItem(item: unknown): boolean {
  return Boolean(item) && typeof item === 'object' && (item as { type?: unknown }).type === 'reasoning';
}

/** True when the input carries reasoning items that only the account that made them can read. */
export function hasEncryptedReasoning(body: RequestBody): boolean {
  if (!mayContainType(body.input, 'reasoning')) return false;
  const input = plainValue(body.input);
  return Array.isArray(input) && input.some(isReasoningItem);
}
