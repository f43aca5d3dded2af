import { describe, expect, it } from 'vitest';
import { catalogModelsFromReply } from '../../src/models/catalog-reply.js';
import { listedCatalogs, specsFromCatalogs } from '../../src/models/catalog-models.js';
import { CODEX_MODELS, UNKNOWN_MODEL_DEFAULTS, type CodexModelSpec } from '../../src/models/codex-models.js';
import { listedModels } from '../../src/models/model-edits.js';
import type { CatalogModel } from '../../src/store/schema.js';

const KNOWN: CodexModelSpec[] = [
  {
    id: 'gpt-5.4',
    name: 'GPT-5.4',
    family: 'gpt',
    releaseDate: '2026-03-05',
    limit: { context: 1_050_000, input: 922_000, output: 128_000 },
    fast: true,
    temperature: true,
    pdf: true,
  },
  {
    id: 'gpt-5.5',
    name: 'GPT-5.5',
    family: 'gpt',
    releaseDate: '2026-04-23',
    limit: { context: 400_000, input: 272_000, output: 128_000 },
    fast: true,
    temperature: false,
    pdf: true,
  },
];

const listed = (slug: string, extra: Partial<CatalogModel> = {}): CatalogModel => ({ slug, visibility: 'list', ...extra });

describe('specsFromCatalogs: the model list from the accounts catalogs', () => {
  it('falls back (undefined) when no catalog has been read', () => {
    expect(specsFromCatalogs([], KNOWN)).toBeUndefined();
  });

  it('lists the union of the listed models, hides hidden ones, and drops data-file models no catalog has', () => {
    const specs = specsFromCatalogs(
      [
        [listed('gpt-5.4'), listed('gpt-5.3-codex', { visibility: 'hide' })],
        [listed('gpt-5.4'), listed('gpt-7-preview')],
      ],
      KNOWN,
    )!;
    expect(specs.map((spec) => spec.id)).toEqual(['gpt-5.4', 'gpt-7-preview']);
  });

  it("takes each model's context window from the catalog, keeping the data file's other facts", () => {
    const [spec] = specsFromCatalogs([[listed('gpt-5.4', { contextWindow: 272_000 })]], KNOWN)!;
    expect(spec).toEqual({ ...KNOWN[0], limit: { context: 272_000, input: 272_000, output: 128_000 } });
  });

  it('lists a model only the backend knows under its display name, with its catalog window', () => {
    const [spec] = specsFromCatalogs([[listed('gpt-7-preview', { displayName: 'GPT-7 Preview', contextWindow: 500_000 })]], KNOWN)!;
    expect(spec).toEqual({
      ...UNKNOWN_MODEL_DEFAULTS,
      id: 'gpt-7-preview',
      name: 'GPT-7 Preview',
      limit: { context: 500_000, input: 500_000, output: 128_000 },
    });
    // Without a -fast twin: nothing says it has a priority tier.
    expect(listedModels([spec!], []).map((model) => model.id)).toEqual(['gpt-7-preview']);
  });

  it('keeps the -fast twin of a known fast model', () => {
    expect(listedModels(specsFromCatalogs([[listed('gpt-5.5')]], CODEX_MODELS)!, []).map((model) => model.id)).toEqual(['gpt-5.5', 'gpt-5.5-fast']);
  });

  it('only enabled accounts with a catalog speak for the list', () => {
    const catalog = { models: [listed('gpt-5.4')], checkedAt: 1 };
    expect(listedCatalogs([{ enabled: true, catalog }, { enabled: false, catalog: { models: [listed('x')] } }, { enabled: true }])).toEqual([catalog.models]);
  });
});

describe('catalogModelsFromReply', () => {
  it('keeps slug, display name, context window and visibility; skips entries without a slug', () => {
    const models = catalogModelsFromReply({
      models: [
        {
          slug: 'gpt-5.4',
          display_name: 'gpt-5.4',
          context_window: 272_000,
          visibility: 'list',
          base_instructions: 'x'.repeat(10_000),
          supported_reasoning_levels: [],
        },
        { slug: 'gpt-5.3-codex', visibility: 'hide', context_window: 'big' },
        { display_name: 'no slug' },
        'garbage',
      ],
    });
    expect(models).toEqual([
      { slug: 'gpt-5.4', displayName: 'gpt-5.4', contextWindow: 272_000, visibility: 'list' },
      { slug: 'gpt-5.3-codex', visibility: 'hide' },
    ]);
  });
});
