/** How a stream that had started ended badly, read from its last event. */
export interface StreamFailure {
  /** The event that said so. */
  event: 'response.failed' | 'response.incomplete' | 'error';
  code?: string;
  message?: string;
}

const MARKERS = [
  { bytes: Buffer.from('"response.completed"'), event: undefined },
  { bytes: Buffer.from('"response.failed"'), event: 'response.failed' },
  { bytes: Buffer.from('"response.incomplete"'), event: 'response.incomplete' },
  // A top-level error event; nested errors carry their own types, never "error".
  { bytes: Buffer.from('"type":"error"'), event: 'error' },
] as const;
const SEAM = Math.max(...MARKERS.map((marker) => marker.bytes.length)) - 1;
const NEWLINE = 0x0a;
const EMPTY = Buffer.alloc(0);
/** How much of a failed event is kept to read its error from. */
const CAPTURE_BYTES = 4_096;

/** Below this, one regular-expression pass over the bytes beats one native search per marker. */
const SMALL_CHUNK = 4_096;
const MARKER_PATTERN = new RegExp(MARKERS.map((marker) => marker.bytes.toString('latin1').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));

/** The earliest marker in `bytes`, if any. */
function firstMarker(bytes: Buffer): { at: number; marker: (typeof MARKERS)[number] | undefined } {
  if (bytes.length < SMALL_CHUNK) {
    const match = MARKER_PATTERN.exec(bytes.toString('latin1'));
    if (!match) return { at: -1, marker: undefined };
    return { at: match.index, marker: MARKERS.find((marker) => marker.bytes.length === match[0].length && marker.bytes.toString('latin1') === match[0]) };
  }
  let at = -1;
  let marker: (typeof MARKERS)[number] | undefined;
  for (const candidate of MARKERS) {
    const index = bytes.indexOf(candidate.bytes);
    if (index >= 0 && (at < 0 || index < at)) {
      at = index;
      marker = candidate;
    }
  }
  return { at, marker };
}

function readFailure(event: StreamFailure['event'], text: string): StreamFailure {
  const code = /"(?:code|reason)"\s*:\s*"([^"]{1,100})"/.exec(text)?.[1];
  const message = /"message"\s*:\s*"((?:[^"\\]|\\.){1,300})"/.exec(text)?.[1];
  return { event, code, message };
}

/**
 * Watches a byte stream fed chunk by chunk for its terminal event: `response.completed`, or one
 * that says it failed (`response.failed`, `response.incomplete`, a top-level `error`), wherever
 * the chunks split it, without copying more than a few bytes of a chunk that holds none.
 * Quoted markers cannot match inside model text, where quotes are escaped.
 */
export class StreamFailureScanner {
  #tail: Buffer = EMPTY;
  #completed = false;
  #failure: StreamFailure['event'] | undefined;
  #captured: Buffer | undefined;

  scan(chunk: Uint8Array): void {
    if (this.#completed) return;
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.#captured) {
      if (this.#captured.length < CAPTURE_BYTES) this.#captured = Buffer.concat([this.#captured, bytes.subarray(0, CAPTURE_BYTES - this.#captured.length)]);
      return;
    }
    // A marker split across chunks is found in the seam: the previous tail plus this chunk's head.
    if (this.#tail.length > 0 && this.#find(Buffer.concat([this.#tail, bytes.subarray(0, SEAM)]), bytes.subarray(SEAM))) return;
    if (this.#find(bytes)) return;
    // No marker holds a newline, so none spans a chunk that ends one: the usual case, as events arrive whole.
    if (bytes[bytes.length - 1] === NEWLINE) this.#tail = EMPTY;
    // Chunks shorter than the marker need the tail to span several of them.
    else this.#tail = bytes.length >= SEAM ? Buffer.from(bytes.subarray(bytes.length - SEAM)) : Buffer.concat([this.#tail, bytes]).subarray(-SEAM);
  }

  /** Looks for the first marker in `haystack`; `after` is what follows it in the stream. */
  #find(haystack: Buffer, after?: Buffer): boolean {
    const { at: first, marker: found } = firstMarker(haystack);
    if (!found) return false;
    if (found.event === undefined) {
      this.#completed = true;
      return true;
    }
    this.#failure = found.event;
    const head = haystack.subarray(first, first + CAPTURE_BYTES);
    this.#captured = after ? Buffer.concat([head, after.subarray(0, CAPTURE_BYTES - head.length)]) : Buffer.from(head);
    return true;
  }

  /** A terminal event went by: `response.completed` or a failure. */
  ended(): boolean {
    return this.#completed || this.#failure !== undefined;
  }

  /** What the failed event said, if one went by. */
  failure(): StreamFailure | undefined {
    return this.#failure && this.#captured ? readFailure(this.#failure, this.#captured.toString('utf8')) : undefined;
  }
}
