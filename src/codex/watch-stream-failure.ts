const MARKER = Buffer.from('"response.failed"');
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
 * Passes a reply stream through byte for byte and, if a `response.failed` event goes by, reports
 * what it said once the stream ends. A failure mid-stream cannot be failed over (OpenCode already
 * has part of the answer), but the next request can avoid the account.
 */
export function watchStreamFailure(
  onFailure: (failure: StreamFailure) => void,
  onEnd: () => void = () => {},
): TransformStream<Uint8Array, Uint8Array> {
  let tail: Buffer = Buffer.alloc(0);
  let captured: Buffer | undefined;
  const report = () => {
    onEnd();
    if (captured) onFailure(readFailure(captured.toString('utf8')));
    captured = undefined;
  };
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      controller.enqueue(chunk);
      const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      if (captured) {
        if (captured.length < CAPTURE_BYTES) captured = Buffer.concat([captured, bytes.subarray(0, CAPTURE_BYTES - captured.length)]);
        return;
      }
      // A marker split across two chunks is found in the seam: the previous tail plus this chunk's head.
      const seam = tail.length > 0 ? Buffer.concat([tail, bytes.subarray(0, MARKER.length - 1)]) : undefined;
      const atSeam = seam ? seam.indexOf(MARKER) : -1;
      if (atSeam >= 0) {
        captured = Buffer.concat([seam!.subarray(atSeam), bytes.subarray(MARKER.length - 1, CAPTURE_BYTES)]);
        return;
      }
      const at = bytes.indexOf(MARKER);
      if (at >= 0) {
        captured = Buffer.from(bytes.subarray(at, at + CAPTURE_BYTES));
        return;
      }
      // The tail spans chunks: with chunks shorter than the marker, this chunk alone is not enough.
      const joined = tail.length > 0 ? Buffer.concat([tail, bytes]) : bytes;
      tail = Buffer.from(joined.subarray(Math.max(0, joined.length - (MARKER.length - 1))));
    },
    flush: report,
  });
}
