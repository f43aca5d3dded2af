import { describe, expect, it } from 'vitest';
import { StreamFailureScanner, type StreamFailure } from '../../src/codex/watch-stream-failure.js';

const encoder = new TextEncoder();

function sse(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

const HEAD = sse('response.created', { response: { id: 'resp_1', status: 'in_progress' } }) + sse('response.output_text.delta', { delta: 'Hello' });

const FAILED_STREAM =
  HEAD +
  sse('response.failed', {
    response: { id: 'resp_1', status: 'failed', error: { code: 'server_error', message: 'An error occurred while processing your request.' } },
  });

const GOOD_STREAM =
  sse('response.created', { response: { id: 'resp_1', status: 'in_progress' } }) +
  sse('response.output_text.delta', { delta: 'the words "response.failed" and {"type":"error"} in text are not events' }) +
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

function scan(chunks: Uint8Array[]): { ended: boolean; failure: StreamFailure | undefined } {
  const scanner = new StreamFailureScanner();
  for (const chunk of chunks) scanner.scan(chunk);
  return { ended: scanner.ended(), failure: scanner.failure() };
}

describe('StreamFailureScanner', () => {
  const bytes = encoder.encode(FAILED_STREAM);
  const markerAt = FAILED_STREAM.indexOf('"response.failed"');

  it('reports a response.failed event with its code and message', () => {
    expect(scan([bytes])).toEqual({
      ended: true,
      failure: { event: 'response.failed', code: 'server_error', message: 'An error occurred while processing your request.' },
    });
  });

  it.each([1, 5, 9, 16])('finds the marker split across a chunk boundary %i bytes into it', (split) => {
    expect(scan(chunksAt(bytes, [markerAt + split])).failure?.code).toBe('server_error');
  });

  it('finds the marker when the stream arrives one byte at a time', () => {
    expect(
      scan(
        chunksAt(
          bytes,
          Array.from({ length: bytes.length - 1 }, (_, i) => i + 1),
        ),
      ).failure?.code,
    ).toBe('server_error');
  });

  it('reports a top-level error event and a response.incomplete with their code or reason', () => {
    const error = HEAD + sse('error', { code: 'server_is_overloaded', message: 'Overloaded', param: null });
    expect(scan([encoder.encode(error)]).failure).toEqual({ event: 'error', code: 'server_is_overloaded', message: 'Overloaded' });
    const incomplete = HEAD + sse('response.incomplete', { response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } } });
    expect(scan(chunksAt(encoder.encode(incomplete), [HEAD.length + 20])).failure).toEqual({
      event: 'response.incomplete',
      code: 'max_output_tokens',
      message: undefined,
    });
  });

  it('sees response.completed as the end, with no failure, even when the words appear in model text', () => {
    const good = encoder.encode(GOOD_STREAM);
    expect(scan(chunksAt(good, [3, 50, 51, 120]))).toEqual({ ended: true, failure: undefined });
  });

  it('finds markers in large chunks too (searched natively rather than by pattern)', () => {
    const big = sse('response.output_text.delta', { delta: 'x'.repeat(8_000) });
    expect(scan([encoder.encode(HEAD + big + FAILED_STREAM.slice(HEAD.length))]).failure?.code).toBe('server_error');
    expect(scan([encoder.encode(HEAD + big + sse('response.completed', {}))])).toEqual({ ended: true, failure: undefined });
    expect(scan([encoder.encode(HEAD + big)])).toEqual({ ended: false, failure: undefined });
  });

  it('knows a stream that stopped before any terminal event has not ended', () => {
    expect(scan([encoder.encode(HEAD)])).toEqual({ ended: false, failure: undefined });
  });
});
