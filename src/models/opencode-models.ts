import type { Hooks } from '@opencode-ai/plugin';
import { UNKNOWN_MODEL_DEFAULTS, type CodexModelSpec } from './codex-models.js';
import { listedModels, type ListedModel, type ModelEdit } from './model-edits.js';

type ModelsHook = NonNullable<NonNullable<Hooks['provider']>['models']>;
/** OpenCode's provider as its `provider.models` hook receives it. */
export type OpenCodeProvider = Parameters<ModelsHook>[0];
/** One model entry as OpenCode lists it. */
export type OpenCodeModel = Awaited<ReturnType<ModelsHook>>[string];

/** A ChatGPT subscription pays for Codex use, so OpenCode should count nothing. A fresh object each time: OpenCode may mutate entries. */
function zeroCost(): OpenCodeModel['cost'] {
  return { input: 0, output: 0, cache: { read: 0, write: 0 } };
}

/** A full entry from what the data file says, for a model OpenCode's catalog does not have. */
function synthesized(model: ListedModel, providerId: string): OpenCodeModel {
  const spec: CodexModelSpec = model.spec ?? { ...UNKNOWN_MODEL_DEFAULTS, id: model.id, name: model.id };
  const name = model.priorityTier ? `${spec.name} Fast` : spec.name;
  return {
    id: model.id,
    providerID: providerId,
    api: { id: model.apiId, url: '', npm: '@ai-sdk/openai' },
    name: model.spec ? name : model.id,
    family: spec.family,
    capabilities: {
      temperature: spec.temperature,
      reasoning: true,
      attachment: true,
      toolcall: true,
      input: { text: true, audio: false, image: true, video: false, pdf: spec.pdf },
      output: { text: true, audio: false, image: false, video: false, pdf: false },
      interleaved: false,
    },
    cost: zeroCost(),
    limit: { ...spec.limit },
    status: 'active',
    options: {},
    headers: {},
    release_date: spec.releaseDate,
  };
}

/**
 * The entry to start from: OpenCode's own (models.dev data merged with the user's opencode.json),
 * else its base model's for a `-fast` twin, else one built from the data file.
 */
function startingEntry(model: ListedModel, catalog: Record<string, OpenCodeModel>, providerId: string): OpenCodeModel {
  const own = catalog[model.id];
  if (own) return own;
  const base = model.priorityTier ? catalog[model.apiId] : undefined;
  if (base) return { ...base, id: model.id, name: `${base.name} Fast` };
  return synthesized(model, providerId);
}

export interface CodexModelsInput {
  /** What OpenCode passes to `provider.models`: its catalog for `openai`. */
  provider: OpenCodeProvider;
  specs: readonly CodexModelSpec[];
  edits: readonly ModelEdit[];
}

/**
 * The `openai` model list for a ChatGPT account: exactly the data file's models (with the edits),
 * free (the subscription pays), with the Codex backend's limits, `-fast` twins on the priority tier.
 * Everything else about an entry (capabilities, variants, the user's own options) is OpenCode's.
 */
export function codexModels(input: CodexModelsInput): Record<string, OpenCodeModel> {
  const { provider } = input;
  const result: Record<string, OpenCodeModel> = {};
  for (const model of listedModels(input.specs, input.edits)) {
    const entry = startingEntry(model, provider.models, provider.id);
    result[model.id] = {
      ...entry,
      id: model.id,
      providerID: provider.id,
      api: { ...entry.api, id: model.apiId },
      cost: zeroCost(),
      limit: model.spec ? { ...model.spec.limit } : entry.limit,
      options: model.priorityTier ? { ...entry.options, serviceTier: 'priority' } : entry.options,
    };
  }
  return result;
}
