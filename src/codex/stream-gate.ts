import { DeadlineError } from '../http/deadline-error.js';
import type { TimedReply } from '../http/http-client.js';
import { classifyStreamEvent, isEventStream, type ReplyVerdict } from './classify-response.js';
import { errorEventFrame, parseFrame, splitFrames } from './sse-frames.js';
import { StreamFailureScanner, type StreamFailure } from './watch-stream-failure.js';

/** How a stream that had already reached OpenCode went wrong. */
export type FailureAfterOutput =
  /** The backend said so in the stream (passed on as it was). */
  | { kind: 'event'; failure: StreamFailure }
  /** Silence past the idle deadline, an end before the terminal event, or a broken connection (an error event was added). */
  | { kind: 'stalled' | 'truncated' | 'broken'; message: string };

export type GateResult =
  /** The answer has begun: this body goes to OpenCode, the held events first. */
  | { kind: 'answer'; body: ReadableStream<Uint8Array> }
  /** Not an answer, and nothing has reached OpenCode: `held` is what the stream said. */
  | { kind: 'refused'; verdict: ReplyVerdict; detail: string; held: Uint8Array };

export interface GateOptions {
  /** OpenCode's signal: its abort is passed on as it is, never mistaken for a failure. */
  signal?: AbortSignal | null;
  /** Names the account in the error OpenCode is shown. */
  accountAlias: string;
  /** When the headers arrived, epoch ms: resets named in error events count from here. */
  now: number;
  onFailureAfterOutput(failure: FailureAfterOutput): void;
}

/** Held events beyond this are passed on whatever they are: holding is for the head of a stream only. */
const HOLD_LIMIT_BYTES = 256 * 1024;

const encoder = new TextEncoder();

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

const refused = (verdict: ReplyVerdict, detail: string, held: Uint8Array = new Uint8Array()): GateResult => ({ kind: 'refused', verdict, detail, held });

/**
 * Holds back the head of a 200 reply until it is known to be an answer: an event stream whose
 * first meaningful event is output. `response.created` and its like are held; a stream that is
 * not an event stream, does not parse, ends, goes silent, or opens with an error or
 * `response.incomplete` is refused before a byte reaches OpenCode, so another account can serve.
 * Once the answer has begun, the rest streams through chunk by chunk.
 */
export async function openStreamGate(reply: TimedReply, options: GateOptions): Promise<GateResult> {
  if (!isEventStream(reply.headers)) {
    reply.close();
    return refused({ kind: 'bad-reply', reason: 'bad reply' }, `non-stream reply (content-type: ${reply.headers.get('content-type') ?? 'none'})`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const decoder = new TextDecoder();
  let pending = '';
  for (;;) {
    let result: ReadableStreamReadResult<Uint8Array>;
    try {
      result = await reply.read();
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      const held = concat(chunks, size);
      if (error instanceof DeadlineError) {
        const detail =
          error.phase === 'first-byte'
            ? `timed out: no first event within ${seconds(error.ms)}`
            : `timed out: silent for ${seconds(error.ms)} before any output`;
        return refused({ kind: 'bad-reply', reason: 'timed out' }, detail, held);
      }
      return refused({ kind: 'server-error' }, `network error before any output: ${messageOf(error)}`, held);
    }
    if (result.done) {
      return refused(
        { kind: 'bad-reply', reason: 'bad reply' },
        size === 0 ? 'stream ended without completion (empty event stream)' : 'stream ended without completion',
        concat(chunks, size),
      );
    }
    chunks.push(result.value);
    size += result.value.length;
    const { frames, rest } = splitFrames(pending + decoder.decode(result.value, { stream: true }));
    pending = rest;
    for (const frame of frames) {
      const parsed = parseFrame(frame);
      if (parsed.kind === 'empty') continue;
      if (parsed.kind === 'malformed') {
        reply.close();
        return refused({ kind: 'bad-reply', reason: 'bad reply' }, `event that does not parse: ${parsed.text}`, concat(chunks, size));
      }
      const verdict = classifyStreamEvent(parsed.event, options.now);
      if (verdict.kind === 'hold') continue;
      if (verdict.kind === 'refuse') {
        reply.close();
        return refused(verdict.verdict, verdict.detail, concat(chunks, size));
      }
      return { kind: 'answer', body: passOn(reply, concat(chunks, size), options) };
    }
    if (size > HOLD_LIMIT_BYTES) return { kind: 'answer', body: passOn(reply, concat(chunks, size), options) };
  }
}

function seconds(ms: number): string {
  return ms % 1_000 === 0 ? `${ms / 1_000} s` : `${ms} ms`;
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error.cause as Error | undefined)?.message;
  return cause ? `${error.message} (${cause})` : error.message;
}

/**
 * The answer, streamed through: the held head first, then chunk by chunk as OpenCode pulls
 * (nothing is buffered here). A stream that goes silent, ends before its terminal event or
 * breaks gets an error event OpenCode shows, never a silent truncation.
 */
function passOn(reply: TimedReply, head: Uint8Array, options: GateOptions): ReadableStream<Uint8Array> {
  const scanner = new StreamFailureScanner();
  scanner.scan(head);
  let first: Uint8Array | undefined = head;
  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, failure: Extract<FailureAfterOutput, { message: string }>, code: string) => {
    controller.enqueue(encoder.encode(errorEventFrame(code, failure.message)));
    controller.close();
    options.onFailureAfterOutput(failure);
  };
  const account = options.accountAlias;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (first) {
          controller.enqueue(first);
          first = undefined;
          return;
        }
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await reply.read();
        } catch (error) {
          if (options.signal?.aborted) {
            controller.error(options.signal.reason);
            return;
          }
          if (error instanceof DeadlineError) {
            const message = `The Codex backend went silent for ${seconds(error.ms)} in the middle of the answer (account ${account}); the answer is incomplete. Send the message again.`;
            fail(controller, { kind: 'stalled', message }, 'stream_timeout');
            return;
          }
          const message = `The connection to the Codex backend broke in the middle of the answer (account ${account}: ${messageOf(error)}); the answer is incomplete. Send the message again.`;
          fail(controller, { kind: 'broken', message }, 'stream_broken');
          return;
        }
        if (!result.done) {
          scanner.scan(result.value);
          controller.enqueue(result.value);
          return;
        }
        if (!scanner.ended()) {
          const message = `The Codex backend ended the answer before it was complete (account ${account}). Send the message again.`;
          fail(controller, { kind: 'truncated', message }, 'stream_truncated');
          return;
        }
        controller.close();
        const failure = scanner.failure();
        if (failure) options.onFailureAfterOutput({ kind: 'event', failure });
      },
      cancel(reason) {
        reply.close(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
