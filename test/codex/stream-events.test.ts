import { describe, expect, it } from 'vitest';
import { classifyStreamEvent, isEventStream, type StreamEventVerdict } from '../../src/codex/classify-response.js';
import { errorEventFrame, parseFrame, splitFrames, type SseEvent } from '../../src/codex/sse-frames.js';

const NOW = Date.UTC(2026, 4, 12, 10, 0, 0);

const event = (type: string, data: Record<string, unknown> = {}): SseEvent => ({ type, data: { type, ...data } });

const ROWS: Array<[name: string, event: SseEvent, expected: StreamEventVerdict]> = [
  ['response.created is held back', event('response.created'), { kind: 'hold' }],
  ['response.in_progress is held back', event('response.in_progress'), { kind: 'hold' }],
  ['an event of the backend of its own is held back', event('codex.rate_limits'), { kind: 'hold' }],
  ['the first output item is the answer', event('response.output_item.added'), { kind: 'answer' }],
  ['a text delta is the answer', event('response.output_text.delta'), { kind: 'answer' }],
  ['a completion with no output is an answer', event('response.completed'), { kind: 'answer' }],
  [
    'an error event usage_limit_reached is out of quota, with the reset when given',
    event('error', { code: 'usage_limit_reached', message: 'limit', resets_in_seconds: 60 }),
    { kind: 'refuse', verdict: { kind: 'quota-exhausted', resetsAt: NOW + 60_000, planType: undefined }, detail: 'error event: usage_limit_reached' },
  ],
  [
    'an error event usage_not_included: the plan lacks Codex',
    event('error', { code: 'usage_not_included' }),
    { kind: 'refuse', verdict: { kind: 'plan-excludes-codex' }, detail: 'error event: usage_not_included' },
  ],
  [
    'an error event rate_limit_exceeded is a burst',
    event('error', { code: 'rate_limit_exceeded' }),
    { kind: 'refuse', verdict: { kind: 'burst-limit' }, detail: 'error event: rate_limit_exceeded' },
  ],
  [
    'an error event server_is_overloaded is a server error',
    event('error', { code: 'server_is_overloaded' }),
    { kind: 'refuse', verdict: { kind: 'server-error' }, detail: 'error event: server_is_overloaded' },
  ],
  [
    'an error event with an unknown code is a passing server failure',
    event('error', { code: 'something_new' }),
    { kind: 'refuse', verdict: { kind: 'server-error' }, detail: 'error event: something_new' },
  ],
  [
    'an error event with a nested error object reads its code',
    event('error', { error: { type: 'usage_not_included', message: 'no' } }),
    { kind: 'refuse', verdict: { kind: 'plan-excludes-codex' }, detail: 'error event: usage_not_included' },
  ],
  ['an error event about the request itself is passed on', event('error', { code: 'context_length_exceeded' }), { kind: 'answer' }],
  [
    'response.failed before output reads response.error.code',
    event('response.failed', { response: { status: 'failed', error: { code: 'usage_limit_reached', message: 'limit' } } }),
    { kind: 'refuse', verdict: { kind: 'quota-exhausted', resetsAt: undefined, planType: undefined }, detail: 'response.failed: usage_limit_reached' },
  ],
  [
    'response.failed with no code is a server failure',
    event('response.failed', { response: { error: null } }),
    { kind: 'refuse', verdict: { kind: 'server-error' }, detail: 'response.failed: no code' },
  ],
  [
    'response.incomplete before output is a bad reply naming its reason',
    event('response.incomplete', { response: { incomplete_details: { reason: 'max_output_tokens' } } }),
    { kind: 'refuse', verdict: { kind: 'bad-reply', reason: 'incomplete reply' }, detail: 'response.incomplete before any output: max_output_tokens' },
  ],
];

describe('classifyStreamEvent', () => {
  it.each(ROWS)('%s', (_name, input, expected) => {
    expect(classifyStreamEvent(input, NOW)).toEqual(expected);
  });
});

describe('isEventStream', () => {
  it.each([
    ['text/event-stream', true],
    ['text/event-stream; charset=utf-8', true],
    ['Text/Event-Stream', true],
    ['text/html; charset=utf-8', false],
    ['application/json', false],
    [null, false],
  ])('%s → %s', (type, expected) => {
    expect(isEventStream(new Headers(type === null ? {} : { 'content-type': type }))).toBe(expected);
  });
});

describe('SSE frames', () => {
  it('splits complete frames from an unfinished rest, with either line ending', () => {
    expect(splitFrames('event: a\ndata: {}\n\nevent: b\r\ndata: {}\r\n\r\nevent: c\ndata: {"x"')).toEqual({
      frames: ['event: a\ndata: {}', 'event: b\r\ndata: {}'],
      rest: 'event: c\ndata: {"x"',
    });
  });

  it.each<[string, string, ReturnType<typeof parseFrame>]>([
    [
      'type from the data',
      'event: response.created\ndata: {"type":"response.created","x":1}',
      { kind: 'event', event: { type: 'response.created', data: { type: 'response.created', x: 1 } } },
    ],
    ['type from the event line when the data has none', 'event: error\ndata: {"code":"x"}', { kind: 'event', event: { type: 'error', data: { code: 'x' } } }],
    ['data split over lines', 'data: {"type":\ndata: "a"}', { kind: 'event', event: { type: 'a', data: { type: 'a' } } }],
    ['a comment is empty', ': keep-alive', { kind: 'empty' }],
    [
      'data that is not JSON is malformed',
      'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"Hel',
      { kind: 'malformed', text: '{"type":"response.output_text.delta","delta":"Hel' },
    ],
    ['JSON that is not an object is malformed', 'data: [1]', { kind: 'malformed', text: '[1]' }],
    ['an object with no type and no event line is malformed', 'data: {"a":1}', { kind: 'malformed', text: '{"a":1}' }],
  ])('parses %s', (_name, frame, expected) => {
    expect(parseFrame(frame)).toEqual(expected);
  });

  it('writes an error event in the shape OpenCode reads (type, code, message, param, sequence_number)', () => {
    const frame = errorEventFrame('stream_timeout', 'went "silent"');
    expect(frame.endsWith('\n\n')).toBe(true);
    expect(parseFrame(frame.trimEnd())).toEqual({
      kind: 'event',
      event: { type: 'error', data: { type: 'error', code: 'stream_timeout', message: 'went "silent"', param: null, sequence_number: 0 } },
    });
  });
});
