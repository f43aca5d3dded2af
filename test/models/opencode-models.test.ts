import { describe, expect, it } from 'vitest';
import { CODEX_MODELS, type CodexModelSpec } from '../../src/models/codex-models.js';
import { parseModelEdits } from '../../src/models/model-edits.js';
import { codexModels, type OpenCodeModel, type OpenCodeProvider } from '../../src/models/opencode-models.js';

/** A catalog entry as OpenCode builds it from models.dev (API prices and limits). */
function catalogModel(id: string, fields: Partial<OpenCodeModel> = {}): OpenCodeModel {
  return {
    id,
    providerID: 'openai',
    api: { id, url: '', npm: '@ai-sdk/openai' },
    name: `Catalog ${id}`,
    family: 'gpt',
    capabilities: {
      temperature: true,
      reasoning: true,
      attachment: true,
      toolcall: true,
      input: { text: true, audio: false, image: true, video: false, pdf: true },
      output: { text: true, audio: false, image: false, video: false, pdf: false },
      interleaved: false,
    },
    cost: { input: 2.5, output: 15, cache: { read: 0.25, write: 0 } },
    limit: { context: 1_050_000, input: 922_000, output: 128_000 },
    status: 'active',
    options: {},
    headers: {},
    release_date: '2026-03-05',
    variants: { high: { reasoningEffort: 'high' } },
    ...fields,
  };
}

function provider(models: OpenCodeModel[]): OpenCodeProvider {
  return {
    id: 'openai',
    name: 'OpenAI',
    source: 'api',
    env: ['OPENAI_API_KEY'],
    options: {},
    models: Object.fromEntries(models.map((model) => [model.id, model])),
  };
}

const SPECS: CodexModelSpec[] = [
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
  {
    id: 'gpt-6-sol',
    name: 'GPT-6 Sol',
    family: 'gpt-sol',
    releaseDate: '2026-09-22',
    limit: { context: 1_050_000, input: 922_000, output: 128_000 },
    fast: false,
    temperature: false,
    pdf: false,
  },
];

/** What OpenCode passes with an `api` record: the whole models.dev openai catalog. */
const API_CATALOG = provider([
  catalogModel('gpt-4o'),
  catalogModel('gpt-4.1'),
  catalogModel('gpt-image-1'),
  catalogModel('gpt-5.4', { options: { reasoningSummary: 'detailed' } }),
  catalogModel('gpt-5.4-fast', { api: { id: 'gpt-5.4', url: '', npm: '@ai-sdk/openai' }, options: { serviceTier: 'priority' } }),
  catalogModel('gpt-5.4-nano', { limit: { context: 400_000, output: 64_000 } }),
  catalogModel('gpt-5.4-pro', { options: { reasoningMode: 'pro' } }),
  catalogModel('gpt-5.5', { limit: { context: 1_050_000, input: 922_000, output: 128_000 } }),
]);

describe('codexModels', () => {
  const models = codexModels({ provider: API_CATALOG, specs: SPECS, edits: [] });

  it('lists exactly the data file models, whatever else the catalog has', () => {
    expect(Object.keys(models)).toEqual(['gpt-5.4', 'gpt-5.4-fast', 'gpt-5.5', 'gpt-5.5-fast', 'gpt-6-sol']);
  });

  it('shows every model at zero cost', () => {
    for (const model of Object.values(models)) expect(model.cost).toEqual({ input: 0, output: 0, cache: { read: 0, write: 0 } });
  });

  it('uses the Codex limits of the data file over the API limits of the catalog', () => {
    expect(models['gpt-5.5']!.limit).toEqual({ context: 400_000, input: 272_000, output: 128_000 });
    expect(models['gpt-5.5-fast']!.limit).toEqual({ context: 400_000, input: 272_000, output: 128_000 });
  });

  it("keeps the rest of OpenCode's entry: name, capabilities, variants and the user's options", () => {
    expect(models['gpt-5.4']!.name).toBe('Catalog gpt-5.4');
    expect(models['gpt-5.4']!.variants).toEqual({ high: { reasoningEffort: 'high' } });
    expect(models['gpt-5.4']!.options).toEqual({ reasoningSummary: 'detailed' });
    expect(models['gpt-5.4']!.api).toEqual({ id: 'gpt-5.4', url: '', npm: '@ai-sdk/openai' });
  });

  it.each([
    { id: 'gpt-5.4-fast', name: 'Catalog gpt-5.4-fast', how: 'from its own catalog entry' },
    { id: 'gpt-5.5-fast', name: 'Catalog gpt-5.5 Fast', how: "from its base model's catalog entry" },
  ])('sends $id as its base model on the priority tier ($how)', ({ id, name }) => {
    const model = models[id]!;
    expect(model.id).toBe(id);
    expect(model.name).toBe(name);
    expect(model.api.id).toBe(id.replace(/-fast$/, ''));
    expect(model.options.serviceTier).toBe('priority');
  });

  it('builds an entry from the data file for a model the catalog does not have', () => {
    expect(models['gpt-6-sol']).toEqual({
      id: 'gpt-6-sol',
      providerID: 'openai',
      api: { id: 'gpt-6-sol', url: '', npm: '@ai-sdk/openai' },
      name: 'GPT-6 Sol',
      family: 'gpt-sol',
      capabilities: {
        temperature: false,
        reasoning: true,
        attachment: true,
        toolcall: true,
        input: { text: true, audio: false, image: true, video: false, pdf: false },
        output: { text: true, audio: false, image: false, video: false, pdf: false },
        interleaved: false,
      },
      cost: { input: 0, output: 0, cache: { read: 0, write: 0 } },
      limit: { context: 1_050_000, input: 922_000, output: 128_000 },
      status: 'active',
      options: {},
      headers: {},
      release_date: '2026-09-22',
    });
  });

  it('adds a catalog model named by an edit, free, with its catalog limits', () => {
    const edited = codexModels({ provider: API_CATALOG, specs: SPECS, edits: parseModelEdits(['+gpt-5.4-nano']) });
    expect(edited['gpt-5.4-nano']!.name).toBe('Catalog gpt-5.4-nano');
    expect(edited['gpt-5.4-nano']!.limit).toEqual({ context: 400_000, output: 64_000 });
    expect(edited['gpt-5.4-nano']!.cost.input).toBe(0);
  });

  it('adds a model nobody knows under its own id with the default limits', () => {
    const edited = codexModels({ provider: API_CATALOG, specs: SPECS, edits: parseModelEdits(['+gpt-7-preview']) });
    expect(edited['gpt-7-preview']).toMatchObject({
      id: 'gpt-7-preview',
      name: 'gpt-7-preview',
      api: { id: 'gpt-7-preview' },
      limit: { context: 400_000, input: 272_000, output: 128_000 },
      options: {},
    });
  });

  it('removes models named by an edit', () => {
    const edited = codexModels({ provider: API_CATALOG, specs: SPECS, edits: parseModelEdits(['-gpt-5.4-fast', '-gpt-6-sol']) });
    expect(Object.keys(edited)).toEqual(['gpt-5.4', 'gpt-5.5', 'gpt-5.5-fast']);
  });

  it("does not change OpenCode's catalog", () => {
    const catalog = provider([catalogModel('gpt-5.5'), catalogModel('gpt-5.4')]);
    const before = structuredClone(catalog);
    const result = codexModels({ provider: catalog, specs: SPECS, edits: [] });
    expect(catalog).toEqual(before);
    result['gpt-5.5']!.cost.input = 9;
    expect(result['gpt-5.5-fast']!.cost.input).toBe(0);
  });

  it('gives the full data file entries with zero cost even from an empty catalog', () => {
    const all = codexModels({ provider: provider([]), specs: CODEX_MODELS, edits: [] });
    expect(Object.keys(all)).toHaveLength(19);
    expect(all['gpt-5.6-luna-fast']).toMatchObject({ name: 'GPT-5.6 Luna Fast', api: { id: 'gpt-5.6-luna' }, options: { serviceTier: 'priority' } });
  });
});
