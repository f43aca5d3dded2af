const MARKER = Buffer.from('"response.failed"');
const SEAM = MARKER.length - 1;
/** How much of a failed event is kept to read its error from. */
const CAPTURE_BYTES = 4_096;

export interface StreamFailure {
  code?: string;
  message?: string;
}

function readFailure(text: string): StreamFailure {
  const code = /"code"\s*:\s*"([^"]{1,100})"/.exec(text)?.[1];
  const message = /"message"\s*:\s*"((?:[^"\\]|\\.){1,300})"/.exec(text)?.[1];
  return { code, message };
}

/**
 * Looks for a `response.failed` event in a byte stream fed chunk by chunk, wherever the chunks
 * split it, without copying more than a few bytes of a chunk that does not contain it.
 */
export class StreamFailureScanner {
  #tail: Buffer = Buffer.alloc(0);
  #captured: Buffer | undefined;

  scan(chunk: Uint8Array): void {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.#captured) {
      if (this.#captured.length < CAPTURE_BYTES) {
        this.#captured = Buffer.concat([this.#captured, bytes.subarray(0, CAPTURE_BYTES - this.#captured.length)]);
      }
      return;
    }
    // A marker split across chunks is found in the seam: the previous tail plus this chunk's head.
    if (this.#tail.length > 0) {
      const seam = Buffer.concat([this.#tail, bytes.subarray(0, SEAM)]);
      const at = seam.indexOf(MARKER);
      if (at >= 0) {
        this.#captured = Buffer.concat([seam.subarray(at), bytes.subarray(SEAM, CAPTURE_BYTES)]);
        return;
      }
    }
    const at = bytes.indexOf(MARKER);
    if (at >= 0) {
      this.#captured = Buffer.from(bytes.subarray(at, at + CAPTURE_BYTES));
      return;
    }
    // Chunks shorter than the marker need the tail to span several of them.
    this.#tail =
      bytes.length >= SEAM ? Buffer.from(bytes.subarray(bytes.length - SEAM)) : Buffer.concat([this.#tail, bytes]).subarray(-SEAM);
  }

  /** What the failed event said, if one went by. */
  failure(): StreamFailure | undefined {
    return this.#captured ? readFailure(this.#captured.toString('utf8')) : undefined;
  }
}

/**
 * Passes a reply stream through chunk for chunk and, if a `response.failed` event goes by, reports
 * what it said once the stream ends. A failure mid-stream cannot be failed over (OpenCode already
 * has part of the answer), but the next request can avoid the account. Pull-based: a chunk is read
 * from upstream only when OpenCode asks for one, so nothing is buffered here.
 */
export function watchStreamFailure(
  upstream: ReadableStream<Uint8Array>,
  onFailure: (failure: StreamFailure) => void,
  onEnd: () => void = () => {},
): ReadableStream<Uint8Array> {
  const reader = upstream.getReader();
  const scanner = new StreamFailureScanner();
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    onEnd();
    const failure = scanner.failure();
    if (failure) onFailure(failure);
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            end();
            controller.close();
            return;
          }
          scanner.scan(value);
          controller.enqueue(value);
        } catch (error) {
          end();
          controller.error(error);
        }
      },
      cancel(reason) {
        end();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
