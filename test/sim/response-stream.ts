import { randomId } from './ids.js';
import { sseEvent } from './sse.js';

export interface StreamPlan {
  accountId: string;
  model: string;
  /** Epoch seconds for `created_at`. */
  createdAt: number;
  /** Whether to emit a reasoning item carrying account-bound `encrypted_content`. */
  includeEncryptedReasoning: boolean;
  /** Extra delta text to stream after the greeting (the SIM_BYTES benchmark knob). */
  bulkBytes: number;
  bulkChunk: string;
  /** End with `response.failed` right after the first delta. */
  failAfterFirstDelta: boolean;
  /** Emit an event whose data is not JSON right after `response.created`, then stop. */
  malformed: boolean;
  inputTokens: number;
}

/** The text a response carries; tests use it to tell which account served a request. */
export function greeting(accountId: string): string {
  return `Hello from ${accountId}.`;
}

/** Greeting split the way a model streams it: a few small deltas. */
export function greetingDeltas(accountId: string): string[] {
  return ['Hello', ' from', ` ${accountId}`, '.'];
}

/** Above this, done events do not repeat the whole text: nobody reads it and it would double memory. */
const MAX_REPEATED_TEXT = 1024 * 1024;

export const encryptedContentFor = (accountId: string): string => `enc:${accountId}:${randomId('', 24)}`;

/** Which account produced an `encrypted_content` value, if it came from this simulator. */
export function accountOfEncryptedContent(value: string): string | undefined {
  const match = /^enc:(.+):[^:]*$/.exec(value);
  return match?.[1];
}

/**
 * The event sequence of one streamed response, in the shapes of the OpenAI Responses API. A
 * generator so the 50 MB benchmark is produced lazily, one preallocated chunk at a time.
 */
export function* responseEvents(plan: StreamPlan): Generator<string> {
  let sequence = 0;
  const responseId = randomId('resp_', 16);
  const messageId = randomId('msg_', 16);
  const reasoningId = randomId('rs_', 16);
  const baseResponse = {
    id: responseId,
    object: 'response',
    created_at: plan.createdAt,
    model: plan.model,
    store: false,
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [],
    error: null,
    incomplete_details: null,
    instructions: null,
    metadata: {},
  };
  const event = (type: string, data: Record<string, unknown>) => sseEvent(type, { ...data, sequence_number: sequence++ });

  yield event('response.created', { response: { ...baseResponse, status: 'in_progress', output: [], usage: null } });
  if (plan.malformed) {
    yield `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"Hel\n\n`;
    return;
  }
  yield event('response.in_progress', { response: { ...baseResponse, status: 'in_progress', output: [], usage: null } });

  const output: unknown[] = [];
  let messageIndex = 0;
  if (plan.includeEncryptedReasoning) {
    const reasoning = { id: reasoningId, type: 'reasoning', summary: [] as unknown[] };
    yield event('response.output_item.added', { output_index: 0, item: reasoning });
    const done = { ...reasoning, encrypted_content: encryptedContentFor(plan.accountId) };
    yield event('response.output_item.done', { output_index: 0, item: done });
    output.push(done);
    messageIndex = 1;
  }

  const place = { item_id: messageId, output_index: messageIndex, content_index: 0 };
  yield event('response.output_item.added', {
    output_index: messageIndex,
    item: { id: messageId, type: 'message', status: 'in_progress', role: 'assistant', content: [] },
  });
  yield event('response.content_part.added', { ...place, part: { type: 'output_text', text: '', annotations: [] } });

  let textBytes = 0;
  const deltas = greetingDeltas(plan.accountId);
  for (const [i, delta] of deltas.entries()) {
    yield event('response.output_text.delta', { ...place, delta, logprobs: [] });
    textBytes += Buffer.byteLength(delta);
    if (i === 0 && plan.failAfterFirstDelta) {
      yield event('response.failed', {
        response: {
          ...baseResponse,
          status: 'failed',
          output: [],
          usage: null,
          error: { code: 'server_error', message: 'An error occurred while processing your request.' },
        },
      });
      return;
    }
  }

  if (plan.bulkBytes > 0) {
    // The chunk is serialized once; each event only splices in its sequence number.
    const prefix = `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","item_id":"${messageId}","output_index":${messageIndex},"content_index":0,"delta":${JSON.stringify(plan.bulkChunk)},"logprobs":[],"sequence_number":`;
    const chunkBytes = Buffer.byteLength(plan.bulkChunk);
    let remaining = plan.bulkBytes;
    while (remaining >= chunkBytes) {
      yield `${prefix}${sequence++}}\n\n`;
      remaining -= chunkBytes;
      textBytes += chunkBytes;
    }
    if (remaining > 0) {
      yield event('response.output_text.delta', { ...place, delta: plan.bulkChunk.slice(0, remaining), logprobs: [] });
      textBytes += remaining;
    }
  }

  const text = plan.bulkBytes === 0 || textBytes <= MAX_REPEATED_TEXT ? fullText(plan, textBytes) : greeting(plan.accountId);
  const part = { type: 'output_text', text, annotations: [] };
  yield event('response.output_text.done', { ...place, text, logprobs: [] });
  yield event('response.content_part.done', { ...place, part });
  const message = { id: messageId, type: 'message', status: 'completed', role: 'assistant', content: [part] };
  yield event('response.output_item.done', { output_index: messageIndex, item: message });
  output.push(message);

  const outputTokens = Math.max(1, Math.ceil(textBytes / 4));
  yield event('response.completed', {
    response: {
      ...baseResponse,
      status: 'completed',
      output,
      usage: {
        input_tokens: plan.inputTokens,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: outputTokens,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: plan.inputTokens + outputTokens,
      },
    },
  });
}

function fullText(plan: StreamPlan, textBytes: number): string {
  const head = greeting(plan.accountId);
  const bulk = textBytes - Buffer.byteLength(head);
  if (bulk <= 0) return head;
  const chunkBytes = plan.bulkChunk.length;
  return head + plan.bulkChunk.repeat(Math.floor(bulk / chunkBytes)) + plan.bulkChunk.slice(0, bulk % chunkBytes);
}

/** Filler text for the bulk mode: plain ASCII so it needs no JSON escaping and bytes equal characters. */
export function makeBulkChunk(bytes: number): string {
  const words = 'lorem ipsum dolor sit amet consectetur adipiscing elit ';
  return words.repeat(Math.ceil(bytes / words.length)).slice(0, Math.max(1, bytes));
}

/** A top-level error event, as the real backend sends one in place of (or in the middle of) an answer. */
export function errorEvent(code: string, message: string, sequenceNumber: number): string {
  return sseEvent('error', { code, message, param: null, sequence_number: sequenceNumber });
}

/** `response.incomplete`: the response stopped early, for `reason` (`max_output_tokens`, `content_filter`, ...). */
export function incompleteEvent(model: string, reason: string, sequenceNumber: number): string {
  return sseEvent('response.incomplete', {
    response: { id: randomId('resp_', 16), object: 'response', model, status: 'incomplete', output: [], incomplete_details: { reason }, usage: null },
    sequence_number: sequenceNumber,
  });
}
