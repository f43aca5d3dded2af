import { FAST_SUFFIX } from './codex-models.js';
import type { CodexModelSpec } from './codex-models.js';

/** One item of `OPENCODE_MULTI_AUTH_MODELS`: `+id` or a bare `id` adds, `-id` removes. */
export interface ModelEdit {
  op: 'add' | 'remove';
  id: string;
}

/** A model the plugin lists: the id OpenCode shows, the id the backend gets, and what it is known as. */
export interface ListedModel {
  id: string;
  /** The model the backend receives (`-fast` entries send their base model). */
  apiId: string;
  /** Sent on the priority service tier (`service_tier: "priority"`). */
  priorityTier: boolean;
  /** The data-file entry it comes from (its base model's, for a `-fast` entry); absent for an id only an edit names. */
  spec?: CodexModelSpec;
}

/** Reads the items of `config.models` (already checked against the setting's pattern). */
export function parseModelEdits(items: readonly string[]): ModelEdit[] {
  return items
    .map((item) => item.trim())
    .filter((item) => item.length > 0)
    .map((item): ModelEdit => {
      if (item.startsWith('-')) return { op: 'remove', id: item.slice(1) };
      return { op: 'add', id: item.startsWith('+') ? item.slice(1) : item };
    })
    .filter((edit) => edit.id.length > 0);
}

/** The data file as a list: each spec, then its `-fast` twin where it has one. */
function expandSpecs(specs: readonly CodexModelSpec[]): ListedModel[] {
  return specs.flatMap((spec) => {
    const base: ListedModel = { id: spec.id, apiId: spec.id, priorityTier: false, spec };
    return spec.fast ? [base, { id: spec.id + FAST_SUFFIX, apiId: spec.id, priorityTier: true, spec }] : [base];
  });
}

/**
 * An id only an edit names. `<base>-fast` for a base the data file knows is that base on the
 * priority tier; anything else is sent as it is named.
 */
function addedModel(id: string, specs: readonly CodexModelSpec[]): ListedModel {
  if (id.endsWith(FAST_SUFFIX)) {
    const baseId = id.slice(0, -FAST_SUFFIX.length);
    const spec = specs.find((candidate) => candidate.id === baseId);
    if (spec) return { id, apiId: baseId, priorityTier: true, spec };
  }
  const spec = specs.find((candidate) => candidate.id === id);
  return spec ? { id, apiId: id, priorityTier: false, spec } : { id, apiId: id, priorityTier: false };
}

/** The data file's models with the edits applied in order (a later edit of the same id wins). */
export function listedModels(specs: readonly CodexModelSpec[], edits: readonly ModelEdit[]): ListedModel[] {
  const listed = new Map(expandSpecs(specs).map((model) => [model.id, model]));
  for (const edit of edits) {
    if (edit.op === 'remove') listed.delete(edit.id);
    else if (!listed.has(edit.id)) listed.set(edit.id, addedModel(edit.id, specs));
  }
  return [...listed.values()];
}
