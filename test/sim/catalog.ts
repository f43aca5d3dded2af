import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { sendJson } from './http.js';
import type { SimCatalogModel } from './types.js';

/*
 * Each account's own model catalog (PROTOCOL.md §8; openai/codex codex-rs reads it from
 * `GET {base}/codex/models?client_version=<semver>` per account, caches it with its ETag and shows
 * only `visibility: "list"`). The set depends on the plan and on rollouts, so two accounts can see
 * different models, and a model the account's catalog lacks is refused on /codex/responses.
 */

const DEFAULT_REASONING_LEVELS = [
  { effort: 'low', description: 'Fast responses with lighter reasoning' },
  { effort: 'medium', description: 'Balances speed and reasoning depth' },
  { effort: 'high', description: 'Greater reasoning depth for complex problems' },
];

/** The catalog every sim account has unless its spec says otherwise: today's Codex models, one hidden. */
export const DEFAULT_SIM_CATALOG: readonly SimCatalogModel[] = [
  { slug: 'gpt-5.3-codex-spark', display_name: 'GPT-5.3-Codex-Spark', context_window: 128_000 },
  { slug: 'gpt-5.3-codex', display_name: 'gpt-5.3-codex', visibility: 'hide' },
  { slug: 'gpt-5.4', display_name: 'gpt-5.4' },
  { slug: 'gpt-5.4-mini', display_name: 'gpt-5.4-mini' },
  { slug: 'gpt-5.5', display_name: 'gpt-5.5' },
  { slug: 'gpt-5.6-sol', display_name: 'gpt-5.6-sol' },
  { slug: 'gpt-5.6-terra', display_name: 'gpt-5.6-terra' },
  { slug: 'gpt-5.6-luna', display_name: 'gpt-5.6-luna' },
  { slug: 'gpt-6-astra', display_name: 'gpt-6-astra' },
  { slug: 'gpt-6-sol', display_name: 'gpt-6-sol' },
  { slug: 'gpt-6-luna', display_name: 'gpt-6-luna' },
];

/** A catalog entry with every field the route reports filled in. */
export type CatalogEntry = Required<SimCatalogModel>;

export function normalizeCatalog(catalog: ReadonlyArray<string | SimCatalogModel>): CatalogEntry[] {
  return catalog.map((item) => {
    const model = typeof item === 'string' ? { slug: item } : item;
    return {
      slug: model.slug,
      display_name: model.display_name ?? model.slug,
      // Third parties publish 272,000 tokens for the current models (PROTOCOL.md §8).
      context_window: model.context_window ?? 272_000,
      visibility: model.visibility ?? 'list',
      supported_reasoning_levels: model.supported_reasoning_levels ?? DEFAULT_REASONING_LEVELS,
    };
  });
}

/** A strong ETag of the catalog's content: it changes exactly when the catalog does. */
export function catalogEtag(catalog: readonly CatalogEntry[]): string {
  return `"${createHash('sha256').update(JSON.stringify(catalog)).digest('hex').slice(0, 32)}"`;
}

/** The reply body: the entries plus fields the real reply also carries and clients may ignore. */
export function catalogReply(catalog: readonly CatalogEntry[]) {
  return {
    models: catalog.map((model, index) => ({
      ...model,
      description: `${model.display_name} (simulated)`,
      default_reasoning_level: 'medium',
      shell_type: 'shell_command',
      supported_in_api: true,
      priority: index,
    })),
  };
}

/** Whether an `If-None-Match` header matches the ETag (a list, `*`, weak forms). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}

/**
 * The real refusal of a model the account cannot use (PROTOCOL.md §8, "Error shapes"): 400 with a
 * plain `detail` string, no OpenAI error envelope. One function, so the unsupported-models rule and
 * the catalog rule answer alike.
 */
export function sendModelNotSupported(res: ServerResponse, model: string): void {
  sendJson(res, 400, { detail: `The '${model}' model is not supported when using Codex with a ChatGPT account.` });
}
