/** Which wait of an HTTP exchange ran out. */
export type DeadlinePhase =
  /** Until the status line and headers arrive. */
  | 'headers'
  /** From the headers to the first bytes of the body (for an event stream: its first event). */
  | 'first-byte'
  /** Silence between two pieces of a body that had started. */
  | 'idle'
  /** Reading a whole body (an error reply, a JSON answer). */
  | 'body';

const WAITED_FOR: Record<DeadlinePhase, string> = {
  headers: 'no response headers',
  'first-byte': 'no first bytes of the body',
  idle: 'no data',
  body: 'body not read in full',
};

/** A deadline of {@link sendWithDeadlines} ran out; the connection has been closed. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
  constructor(
    readonly phase: DeadlinePhase,
    readonly ms: number,
    readonly url: string,
  ) {
    super(`${WAITED_FOR[phase]} within ${formatMs(ms)} (${pathOf(url)})`);
  }
}

/** The path alone: a query may carry what a log must not. */
function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return 'request';
  }
}

function formatMs(ms: number): string {
  return ms % 1_000 === 0 ? `${ms / 1_000} s` : `${ms} ms`;
}
