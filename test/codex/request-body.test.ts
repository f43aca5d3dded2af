import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encodeRequestBody, parseRequestBody, RawJson, serializeRequestBody, type RequestBody } from '../../src/codex/request-body.js';
import { hasEncryptedReasoning, shapeRequestBody, withoutEncryptedReasoning } from '../../src/codex/shape-request.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** Bodies the real `opencode` 1.18.33 binary handed to the plugin's fetch (a title request, two turns of one session). */
const RECORDED = ['opencode-title-request.json', 'opencode-first-turn.json', 'opencode-second-turn.json'].map((name) => ({
  name,
  text: fs.readFileSync(path.join(FIXTURES, name), 'utf8'),
}));

/** What the plugin sent before bodies were kept as text: a full parse, the rules, JSON.stringify. */
function sentByFullParse(text: string, strip = false): string {
  const shaped = shapeRequestBody(JSON.parse(text) as RequestBody);
  return JSON.stringify(strip ? withoutEncryptedReasoning(shaped) : shaped);
}

function sentNow(text: string, keepAsTextFrom?: number, strip = false): string {
  const body = parseRequestBody(text, keepAsTextFrom === undefined ? {} : { keepAsTextFrom });
  if (!body) throw new Error('not parsed');
  const shaped = shapeRequestBody(body);
  return serializeRequestBody(strip ? withoutEncryptedReasoning(shaped) : shaped);
}

/** A small seeded generator, so a failure names a seed that reproduces it. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return { next, pick };
}

const PIECES = [
  'plain text ',
  'quote " inside ',
  'back\\slash ',
  'tab\t',
  'new\nline ',
  'ünïcödé ',
  '🎉 ',
  '\u0001ctl ',
  '\u2028sep ',
  '{"type":"reasoning"} ',
  '</script> ',
  '\\"',
  '\u007f',
];

function randomText(rng: ReturnType<typeof random>, pieces: number): string {
  let text = '';
  for (let i = 0; i < pieces; i++) text += rng.pick(PIECES);
  return text;
}

function randomBody(seed: number): RequestBody {
  const rng = random(seed);
  const input: unknown[] = [];
  if (rng.next() < 0.5) input.push({ role: 'developer', content: randomText(rng, 20) });
  if (rng.next() < 0.3) input.push({ role: 'system', content: [{ type: 'input_text', text: randomText(rng, 5) }] });
  const turns = 1 + Math.floor(rng.next() * 12);
  for (let i = 0; i < turns; i++) {
    input.push({ role: 'user', content: [{ type: 'input_text', text: randomText(rng, 30) }] });
    if (rng.next() < 0.6) input.push({ type: 'reasoning', id: `rs_${seed}_${i}`, summary: [], encrypted_content: `enc-${randomText(rng, 3)}` });
    if (rng.next() < 0.5) {
      input.push({
        type: 'function_call',
        call_id: `call_${i}`,
        name: 'bash',
        arguments: JSON.stringify({ command: randomText(rng, 4), timeout: rng.next() * 1000 }),
      });
      input.push({ type: 'function_call_output', call_id: `call_${i}`, output: randomText(rng, 40) });
    }
    input.push({ role: 'assistant', content: [{ type: 'output_text', text: randomText(rng, 10) }] });
  }
  const body: RequestBody = {
    model: rng.pick(['gpt-5.4', 'gpt-5.4-fast', 'gpt-5.3-codex-spark']),
    input,
    store: rng.next() < 0.5 ? false : undefined,
    include: rng.next() < 0.5 ? ['reasoning.encrypted_content'] : [],
    prompt_cache_key: `ses_${seed}`,
    tools: [
      { type: 'function', name: 'read', parameters: { type: 'object', properties: { limit: { type: 'number', minimum: 0, maximum: 2.5e3, default: -1.25 } } } },
    ],
    reasoning: { effort: rng.pick(['low', 'medium', 'high']), summary: 'auto' },
    stream: rng.next() < 0.9,
  };
  if (rng.next() < 0.5) body.instructions = randomText(rng, 5);
  if (rng.next() < 0.3) body.temperature = 0.5;
  if (rng.next() < 0.3) body.max_output_tokens = 32_000;
  return body;
}

describe('the request body kept as text', () => {
  it.each(RECORDED)('sends $name byte for byte as the full parse did, whole and with reasoning stripped', ({ text }) => {
    for (const keep of [undefined, 0, 64]) {
      expect(sentNow(text, keep)).toBe(sentByFullParse(text));
      expect(sentNow(text, keep, true)).toBe(sentByFullParse(text, true));
    }
  });

  it('keeps the conversation of a recorded turn as text instead of parsing it', () => {
    const text = RECORDED[2]!.text;
    const body = parseRequestBody(text)!;
    expect(body.input).toBeInstanceOf(RawJson);
    expect(body.tools).toBeInstanceOf(RawJson);
    expect(body.model).toBe('gpt-5.4');
    expect(hasEncryptedReasoning(body)).toBe(true);
    expect(hasEncryptedReasoning(parseRequestBody(RECORDED[1]!.text)!)).toBe(false);
  });

  it('agrees with the full parse on 300 generated conversations, for every size threshold', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const text = JSON.stringify(randomBody(seed));
      for (const keep of [0, 100, 2_048]) {
        const label = `seed ${seed}, keep from ${keep}`;
        expect(sentNow(text, keep), label).toBe(sentByFullParse(text));
        expect(sentNow(text, keep, true), label).toBe(sentByFullParse(text, true));
        const body = parseRequestBody(text, { keepAsTextFrom: keep })!;
        expect(hasEncryptedReasoning(shapeRequestBody(body)), label).toBe(hasEncryptedReasoning(shapeRequestBody(JSON.parse(text) as RequestBody)));
      }
    }
  });

  it.each([
    ['white space', '{ "model": "m", "input": [ {"role": "user", "content": "hi"} ] }'],
    ['an escaped slash', '{"model":"m","input":[{"role":"user","content":"a\\/b"}]}'],
    ['an unneeded \\u escape', '{"model":"m","input":[{"role":"user","content":"\\u0041"}]}'],
    ['an upper-case \\u escape', '{"model":"m","input":[{"role":"user","content":"\\u001F"}]}'],
    ['\\u000a for a newline', '{"model":"m","input":[{"role":"user","content":"\\u000a"}]}'],
    ['an escaped surrogate pair', '{"model":"m","input":[{"role":"user","content":"\\ud83c\\udf89"}]}'],
    ['numbers JSON.stringify writes otherwise', '{"model":"m","input":[1.0,1E2,-0,1e21,0.10]}'],
    ['a repeated key', '{"model":"a","input":[{"role":"user","content":"x"}],"model":"b"}'],
    ['a __proto__ key', '{"__proto__":{"polluted":true},"input":[{"role":"user","content":"x"}]}'],
    [
      'developer messages to move',
      '{"input":[{"role":"developer","content":"be brief"},{"role":"system","content":[{"type":"input_text","text":"a"},{"type":"input_text","text":"b"}]},{"role":"user","content":"x"}]}',
    ],
    ['only developer messages', '{"input":[{"role":"developer","content":"be brief"}]}'],
  ])('sends a body with %s exactly as the full parse did', (_name, text) => {
    expect(sentNow(text, 0)).toBe(sentByFullParse(text));
    expect(sentNow(text, 0, true)).toBe(sentByFullParse(text, true));
  });

  it('sends a lone surrogate escaped, as JSON.stringify does', () => {
    const text = `{"model":"m","input":[{"role":"user","content":"\ud800"}]}`;
    expect(sentNow(text, 0)).toBe(sentByFullParse(text));
    expect(sentNow(text, 0)).toContain('\\ud800');
  });

  it.each([
    ['not JSON', '{"model":'],
    ['an unterminated string', '{"model":"m'],
    ['mismatched brackets', '{"input":[1,2}'],
    ['an array', '[1,2]'],
    ['a string', '"x"'],
    ['text after the object', '{"a":1} x'],
    ['a bad literal', '{"input":[tru]}'],
  ])('refuses %s as not a JSON object, whatever the threshold', (_name, text) => {
    expect(parseRequestBody(text, { keepAsTextFrom: 0 })).toBeUndefined();
    expect(parseRequestBody(text)).toBeUndefined();
  });

  it('parses a large value only once however often it is looked into', () => {
    const body = parseRequestBody(RECORDED[2]!.text)!;
    const input = body.input as RawJson;
    expect(input.value()).toBe(input.value());
  });
});

describe('the bytes sent upstream', () => {
  it.each([...RECORDED.map((recorded) => recorded.text), JSON.stringify(randomBody(7)), '{"model":"ü🎉","input":[{"role":"user","content":"ünïcödé 🎉"}]}'])(
    'are the UTF-8 encoding of the serialised body',
    (text) => {
      const body = shapeRequestBody(parseRequestBody(text, { keepAsTextFrom: 0 })!);
      expect(Buffer.from(encodeRequestBody(body)).equals(Buffer.from(serializeRequestBody(body), 'utf8'))).toBe(true);
    },
  );
});
