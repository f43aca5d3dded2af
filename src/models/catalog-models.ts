import type { CatalogModel } from '../store/schema.js';
import { UNKNOWN_MODEL_DEFAULTS, type CodexModelSpec } from './codex-models.js';

/** Output tokens of a model the data file does not know, at most. */
const UNKNOWN_MODEL_MAX_OUTPUT = UNKNOWN_MODEL_DEFAULTS.limit.output;

/**
 * The model specs OpenCode should list, from the accounts' own catalogs (PROTOCOL.md §8): the union
 * of their `visibility: "list"` models, each with its context window from the catalog. A model the
 * data file (codex-models.ts) knows keeps its other facts (name, family, `-fast` twin, capabilities);
 * one it does not know is listed with its catalog display name and the defaults. Undefined when no
 * catalog has been read yet: the caller then falls back to the data file. Pure.
 */
export function specsFromCatalogs(catalogs: ReadonlyArray<readonly CatalogModel[]>, known: readonly CodexModelSpec[]): CodexModelSpec[] | undefined {
  if (catalogs.length === 0) return undefined;
  const listed = new Map<string, { displayName?: string; contextWindow?: number }>();
  for (const catalog of catalogs) {
    for (const model of catalog) {
      if (model.visibility !== 'list') continue;
      const seen = listed.get(model.slug) ?? {};
      // Accounts normally agree; when they do not, the larger window is the one some account has.
      if (model.contextWindow !== undefined) seen.contextWindow = Math.max(seen.contextWindow ?? 0, model.contextWindow);
      seen.displayName ??= model.displayName;
      listed.set(model.slug, seen);
    }
  }
  const specs: CodexModelSpec[] = [];
  for (const [slug, seen] of listed) {
    const spec = known.find((candidate) => candidate.id === slug);
    const context = seen.contextWindow;
    if (spec) {
      specs.push(
        context === undefined
          ? spec
          : { ...spec, limit: { context, input: Math.min(spec.limit.input, context), output: Math.min(spec.limit.output, context) } },
      );
      continue;
    }
    const limit =
      context === undefined ? { ...UNKNOWN_MODEL_DEFAULTS.limit } : { context, input: context, output: Math.min(UNKNOWN_MODEL_MAX_OUTPUT, context) };
    specs.push({ ...UNKNOWN_MODEL_DEFAULTS, id: slug, name: seen.displayName ?? slug, limit });
  }
  return specs;
}

/** The catalogs that speak for the model list: those of enabled accounts that have one. */
export function listedCatalogs(accounts: ReadonlyArray<{ enabled: boolean; catalog?: { models: CatalogModel[] } }>): CatalogModel[][] {
  return accounts.filter((account) => account.enabled && account.catalog).map((account) => account.catalog!.models);
}
