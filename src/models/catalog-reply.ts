import { z } from 'zod';
import type { CatalogModel } from '../store/schema.js';

/**
 * The reply of `GET {base}/codex/models?client_version=<semver>` (PROTOCOL.md §8):
 * `{"models":[{"slug","display_name","context_window","visibility","supported_reasoning_levels",…}]}`.
 * Read leniently (the real entries carry many more fields, some large, such as base instructions):
 * only what routing and OpenCode's model list use is kept.
 */
const CatalogEntrySchema = z.looseObject({
  slug: z.string().min(1),
  display_name: z.string().nullish().catch(null),
  context_window: z.number().int().positive().nullish().catch(null),
  visibility: z.string().nullish().catch(null),
});

export const CatalogReplySchema = z.looseObject({
  models: z.array(z.unknown()),
});

/** The entries worth keeping, each trimmed to the four fields used; malformed entries are skipped. */
export function catalogModelsFromReply(reply: z.infer<typeof CatalogReplySchema>): CatalogModel[] {
  const models: CatalogModel[] = [];
  for (const raw of reply.models) {
    const parsed = CatalogEntrySchema.safeParse(raw);
    if (!parsed.success) continue;
    const entry = parsed.data;
    const model: CatalogModel = { slug: entry.slug, visibility: entry.visibility ?? 'list' };
    if (entry.display_name) model.displayName = entry.display_name;
    if (entry.context_window) model.contextWindow = entry.context_window;
    models.push(model);
  }
  return models;
}
