import { describe, expect, it } from 'vitest';
import { watchStreamFailure, type StreamFailure } from '../../src/codex/watch-stream-failure.js';

const encoder = new TextEncoder();

function sse(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

const FAILED_STREAM =
  sse('response.created', { response: { id: 'resp_1', status: 'in_progress' } }) +
  sse('response.output_text.delta', { delta: 'Hello' }) +
  sse('response.failed', { response: { id: 'resp_1', status: 'failed', error: { code: 'server_error', message: 'An error occurred while processing your request.' } } });

const GOOD_STREAM =
  sse('response.created', { response: { id: 'resp_1', status: 'in_progress' } }) +
  sse('response.output_text.delta', { delta: 'the word response.failed in text is not an event' }) +
  sse('response.completed', { response: { id: 'resp_1', status: 'completed' } });

/** Splits bytes into chunks at the given offsets. */
function chunksAt(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const offset of [...offsets, bytes.length]) {
    chunks.push(bytes.slice(start, offset));
    start = offset;
  }
  return chunks.filter((chunk) => chunk.length > 0);
}

async function pipe(chunks: Uint8Array[]): Promise<{ out: Uint8Array; failures: StreamFailure[]; ended: number }> {
  const failures: StreamFailure[] = [];
  let ended = 0;
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  const out = new Uint8Array(await new Response(watchStreamFailure(source, (failure) => failures.push(failure), () => ended++)).arrayBuffer());
  return { out, failures, ended };
}

describe('watchStreamFailure', () => {
  const bytes = encoder.encode(FAILED_STREAM);
  const markerAt = FAILED_STREAM.indexOf('"response.failed"');

  it('reports a response.failed event with its code and message', async () => {
    const { failures, ended } = await pipe([bytes]);
    expect(failures).toEqual([{ code: 'server_error', message: 'An error occurred while processing your request.' }]);
    expect(ended).toBe(1);
  });

  it.each([1, 5, 9, 16])('finds the marker split across a chunk boundary %i bytes into it', async (split) => {
    const { out, failures } = await pipe(chunksAt(bytes, [markerAt + split]));
    expect(failures).toHaveLength(1);
    expect(failures[0]!.code).toBe('server_error');
    expect(Buffer.from(out).equals(Buffer.from(bytes))).toBe(true);
  });

  it('finds the marker when the stream arrives one byte at a time, and passes every byte through', async () => {
    const { out, failures } = await pipe(chunksAt(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1)));
    expect(failures.map((failure) => failure.code)).toEqual(['server_error']);
    expect(Buffer.from(out).equals(Buffer.from(bytes))).toBe(true);
  });

  it('passes a healthy stream through byte-identical and reports nothing', async () => {
    const good = encoder.encode(GOOD_STREAM);
    const { out, failures, ended } = await pipe(chunksAt(good, [3, 50, 51, 120]));
    expect(Buffer.from(out).equals(Buffer.from(good))).toBe(true);
    expect(failures).toEqual([]);
    expect(ended).toBe(1);
  });

  it('passes multi-byte characters split across chunks through unchanged', async () => {
    const text = sse('response.output_text.delta', { delta: 'héllo – 世界 🎉' }) + sse('response.completed', {});
    const data = encoder.encode(text);
    const { out } = await pipe(chunksAt(data, [60, 61, 62, 63, 64, 65]));
    expect(new TextDecoder().decode(out)).toBe(text);
  });
});
