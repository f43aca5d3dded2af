import { describe, expect, it } from 'vitest';
import { hasEncryptedReasoning, SHAPING_RULES, shapeRequestBody, withoutEncryptedReasoning, type RequestBody } from '../../src/codex/shape-request.js';

/** A request body as OpenCode sends it, with `fields` changed. */
function openCodeBody(fields: RequestBody = {}): RequestBody {
  return {
    model: 'gpt-5.4',
    instructions: 'You are a coding agent.',
    input: [{ role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
    store: false,
    stream: true,
    include: ['reasoning.encrypted_content'],
    reasoning: { effort: 'medium', summary: 'auto' },
    tools: [{ type: 'function', name: 'bash', parameters: {} }],
    tool_choice: 'auto',
    text: { verbosity: 'medium' },
    prompt_cache_key: 'ses_1',
    ...fields,
  };
}

/** The body without an `instructions` key at all, as OpenCode sends it for an `api` record. */
function withoutInstructions(body: RequestBody): RequestBody {
  const { instructions: _instructions, ...rest } = body;
  return rest;
}

interface Row {
  name: string;
  body: RequestBody;
  expected: RequestBody;
}

const ROWS: Row[] = [
  { name: 'forces store to false', body: openCodeBody({ store: true }), expected: { store: false } },
  { name: 'forces stream to true', body: openCodeBody({ stream: false }), expected: { stream: true } },
  { name: 'adds encrypted reasoning to include', body: openCodeBody({ include: undefined }), expected: { include: ['reasoning.encrypted_content'] } },
  {
    name: 'keeps other include entries and adds encrypted reasoning after them',
    body: openCodeBody({ include: ['message.output_text.logprobs'] }),
    expected: { include: ['message.output_text.logprobs', 'reasoning.encrypted_content'] },
  },
  { name: 'does not repeat encrypted reasoning in include', body: openCodeBody(), expected: { include: ['reasoning.encrypted_content'] } },
  { name: 'drops max_output_tokens', body: openCodeBody({ max_output_tokens: 1000 }), expected: { max_output_tokens: undefined } },
  { name: 'drops max_completion_tokens', body: openCodeBody({ max_completion_tokens: 1000 }), expected: { max_completion_tokens: undefined } },
  { name: 'drops max_tokens', body: openCodeBody({ max_tokens: 1000 }), expected: { max_tokens: undefined } },
  { name: 'drops temperature (OpenCode title requests carry one)', body: openCodeBody({ temperature: 0.5 }), expected: { temperature: undefined } },
  { name: 'drops top_p', body: openCodeBody({ top_p: 0.9 }), expected: { top_p: undefined } },
  { name: 'drops frequency_penalty', body: openCodeBody({ frequency_penalty: 0.1 }), expected: { frequency_penalty: undefined } },
  { name: 'drops presence_penalty', body: openCodeBody({ presence_penalty: 0.1 }), expected: { presence_penalty: undefined } },
  {
    name: 'moves leading developer messages into missing instructions (the api-record request shape)',
    body: withoutInstructions(
      openCodeBody({
        input: [
          { role: 'developer', content: 'You are OpenCode.' },
          { role: 'system', content: [{ type: 'input_text', text: 'Rules.' }] },
          { role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
          { role: 'developer', content: 'A later note stays in place.' },
        ],
      }),
    ),
    expected: {
      instructions: 'You are OpenCode.\nRules.',
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
        { role: 'developer', content: 'A later note stays in place.' },
      ],
    },
  },
  {
    name: 'keeps instructions that are there and the developer messages after them',
    body: openCodeBody({ input: [{ role: 'developer', content: 'Extra.' }] }),
    expected: { instructions: 'You are a coding agent.', input: [{ role: 'developer', content: 'Extra.' }] },
  },
  {
    name: 'leaves a body without instructions or leading developer messages alone',
    body: withoutInstructions(openCodeBody()),
    expected: { instructions: undefined, input: [{ role: 'user', content: [{ type: 'input_text', text: 'hi' }] }] },
  },
  {
    name: 'turns a -fast model into the base model on the priority tier',
    body: openCodeBody({ model: 'gpt-5.4-fast' }),
    expected: { model: 'gpt-5.4', service_tier: 'priority' },
  },
  { name: 'leaves an ordinary model and the service tier alone', body: openCodeBody(), expected: { model: 'gpt-5.4', service_tier: undefined } },
];

describe('shapeRequestBody', () => {
  it('names the backend error each rule avoids', () => {
    for (const rule of SHAPING_RULES) expect(rule.avoids.length).toBeGreaterThan(10);
  });

  it.each(ROWS)('$name', ({ body, expected }) => {
    const shaped = shapeRequestBody(body);
    for (const [key, value] of Object.entries(expected)) {
      if (value === undefined) expect(shaped).not.toHaveProperty(key);
      else expect(shaped[key]).toEqual(value);
    }
  });

  it('passes every field it has no rule for through untouched', () => {
    const body = openCodeBody({ max_output_tokens: 5, custom_field: { nested: [1, 2] } });
    const shaped = shapeRequestBody(body);
    const { max_output_tokens: _dropped, ...untouched } = body;
    expect(shaped).toEqual(untouched);
    expect(shaped.input).toBe(body.input);
    expect(shaped.tools).toBe(body.tools);
  });

  it('does not change the body it was given', () => {
    const body = openCodeBody({ max_output_tokens: 5, store: true, model: 'gpt-5.4-fast' });
    const copy = structuredClone(body);
    shapeRequestBody(body);
    expect(body).toEqual(copy);
  });
});

describe('encrypted reasoning on a session move', () => {
  const reasoning = { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'enc:a:xyz' };
  const message = { role: 'user', content: [{ type: 'input_text', text: 'hi' }] };

  it('removes reasoning items and keeps the visible conversation in order', () => {
    const body = openCodeBody({ input: [message, reasoning, { type: 'message', role: 'assistant', content: [] }] });
    expect(hasEncryptedReasoning(body)).toBe(true);
    const stripped = withoutEncryptedReasoning(body);
    expect(stripped.input).toEqual([message, { type: 'message', role: 'assistant', content: [] }]);
    expect(hasEncryptedReasoning(stripped)).toBe(false);
    expect((body.input as unknown[]).length).toBe(3);
  });

  it('returns the same body when there is nothing to remove', () => {
    const body = openCodeBody();
    expect(hasEncryptedReasoning(body)).toBe(false);
    expect(withoutEncryptedReasoning(body)).toBe(body);
  });
});
