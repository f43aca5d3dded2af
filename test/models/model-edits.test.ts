import { describe, expect, it } from 'vitest';
import { CODEX_MODELS, type CodexModelSpec } from '../../src/models/codex-models.js';
import { listedModels, parseModelEdits, type ModelEdit } from '../../src/models/model-edits.js';

function spec(id: string, fields: Partial<CodexModelSpec> = {}): CodexModelSpec {
  return {
    id,
    name: id.toUpperCase(),
    family: 'gpt',
    releaseDate: '2026-01-01',
    limit: { context: 400_000, input: 272_000, output: 128_000 },
    fast: false,
    temperature: false,
    pdf: true,
    ...fields,
  };
}

describe('parseModelEdits', () => {
  it.each([
    { items: ['+gpt-x'], edits: [{ op: 'add', id: 'gpt-x' }] },
    { items: ['gpt-x'], edits: [{ op: 'add', id: 'gpt-x' }] },
    { items: ['-gpt-y'], edits: [{ op: 'remove', id: 'gpt-y' }] },
    {
      items: [' +gpt-x ', '-gpt-y', 'gpt-z'],
      edits: [
        { op: 'add', id: 'gpt-x' },
        { op: 'remove', id: 'gpt-y' },
        { op: 'add', id: 'gpt-z' },
      ],
    },
    { items: ['', '+', '-'], edits: [] },
  ] satisfies Array<{ items: string[]; edits: ModelEdit[] }>)('reads $items', ({ items, edits }) => {
    expect(parseModelEdits(items)).toEqual(edits);
  });
});

describe('listedModels', () => {
  const specs = [spec('gpt-a', { fast: true }), spec('gpt-b')];

  it.each([
    { name: 'lists each spec and the -fast twin of a fast one', edits: [], ids: ['gpt-a', 'gpt-a-fast', 'gpt-b'] },
    { name: 'removes an exact id and leaves its twin', edits: ['-gpt-a'], ids: ['gpt-a-fast', 'gpt-b'] },
    { name: 'removes only the -fast twin', edits: ['-gpt-a-fast'], ids: ['gpt-a', 'gpt-b'] },
    { name: 'adds an unknown id at the end', edits: ['+gpt-new'], ids: ['gpt-a', 'gpt-a-fast', 'gpt-b', 'gpt-new'] },
    { name: 'treats a bare id as an addition', edits: ['gpt-new'], ids: ['gpt-a', 'gpt-a-fast', 'gpt-b', 'gpt-new'] },
    { name: 'does not list an id twice', edits: ['+gpt-b'], ids: ['gpt-a', 'gpt-a-fast', 'gpt-b'] },
    { name: 'applies edits in order: remove then add lists it', edits: ['-gpt-b', '+gpt-b'], ids: ['gpt-a', 'gpt-a-fast', 'gpt-b'] },
    { name: 'applies edits in order: add then remove drops it', edits: ['+gpt-new', '-gpt-new'], ids: ['gpt-a', 'gpt-a-fast', 'gpt-b'] },
    { name: 'ignores removing an id that is not listed', edits: ['-gpt-4o'], ids: ['gpt-a', 'gpt-a-fast', 'gpt-b'] },
  ])('$name', ({ edits, ids }) => {
    expect(listedModels(specs, parseModelEdits(edits)).map((model) => model.id)).toEqual(ids);
  });

  it('sends a -fast twin as its base model on the priority tier', () => {
    const twin = listedModels(specs, []).find((model) => model.id === 'gpt-a-fast');
    expect(twin).toEqual({ id: 'gpt-a-fast', apiId: 'gpt-a', priorityTier: true, spec: specs[0] });
  });

  it('makes an added <known>-fast the known model on the priority tier', () => {
    const added = listedModels(specs, parseModelEdits(['+gpt-b-fast'])).find((model) => model.id === 'gpt-b-fast');
    expect(added).toEqual({ id: 'gpt-b-fast', apiId: 'gpt-b', priorityTier: true, spec: specs[1] });
  });

  it('sends an added -fast id whose base is unknown under its own name', () => {
    const added = listedModels(specs, parseModelEdits(['+gpt-q-fast'])).find((model) => model.id === 'gpt-q-fast');
    expect(added).toEqual({ id: 'gpt-q-fast', apiId: 'gpt-q-fast', priorityTier: false });
  });
});

describe('the data file', () => {
  const ids = listedModels(CODEX_MODELS, []).map((model) => model.id);

  it('lists the 19 models OpenCode 1.18.33 shows a ChatGPT (oauth) account', () => {
    expect([...ids].sort()).toEqual(
      [
        'gpt-5.3-codex-spark',
        'gpt-5.4',
        'gpt-5.4-fast',
        'gpt-5.4-mini',
        'gpt-5.4-mini-fast',
        'gpt-5.5',
        'gpt-5.5-fast',
        'gpt-5.6-luna',
        'gpt-5.6-luna-fast',
        'gpt-5.6-sol',
        'gpt-5.6-sol-fast',
        'gpt-5.6-terra',
        'gpt-5.6-terra-fast',
        'gpt-6-astra',
        'gpt-6-astra-fast',
        'gpt-6-luna',
        'gpt-6-luna-fast',
        'gpt-6-sol',
        'gpt-6-sol-fast',
      ].sort(),
    );
  });

  it('has no API-only or -pro model and no id twice', () => {
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).not.toMatch(/^gpt-4|-pro\b|image|nano|^gpt-5\.6$/);
  });
});
