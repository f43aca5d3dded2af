import { DeadlineError, type DeadlinePhase } from './deadline-error.js';
import { Watchdog } from './watchdog.js';

/**
 * The waits of one HTTP exchange, in milliseconds. They are enforced with an AbortSignal and one
 * timer, the only means that holds in both runtimes: inside OpenCode's Bun, `undici.request`
 * accepts `headersTimeout`/`bodyTimeout` and ignores them (seen with Bun 1.3.14), while `fetch`
 * honours an abort in every phase on Node and Bun alike.
 */
export interface Deadlines {
  /** Until the status line and headers arrive. */
  headersMs: number;
  /** From the headers to the first bytes of the body. Default `idleMs`. */
  firstByteMs?: number;
  /** Longest silence while a body is read piece by piece. Default: no limit. */
  idleMs?: number;
  /** Reading a whole body with {@link TimedReply.text}. Default: no limit. */
  bodyMs?: number;
}

/** A reply whose body is read under the exchange's deadlines. */
export interface TimedReply {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly headers: Headers;
  /**
   * The next piece of the body, the first within `firstByteMs`, each later one within `idleMs`.
   * Rejects with a {@link DeadlineError}, the caller's abort reason, or the network error.
   */
  read(): Promise<ReadableStreamReadResult<Uint8Array>>;
  /** The whole body as text, within `bodyMs`. */
  text(): Promise<string>;
  /** Stops reading: closes the connection and clears the timer. Safe to call at any time, more than once. */
  close(reason?: unknown): void;
}

const DONE: ReadableStreamReadResult<Uint8Array> = { done: true, value: undefined };

/**
 * The deadlines of every request other than a model request: usage, token refresh and sign-in,
 * model catalog. Each answers a small JSON body at once; past half a minute of silence the
 * answer is not coming, and a caller that retries or reports it serves the user better.
 */
export const SMALL_REPLY_DEADLINES: Deadlines = { headersMs: 30_000, firstByteMs: 30_000, idleMs: 30_000 };

/**
 * Sends one request with a deadline on each wait. The caller's `signal` is always honoured: its
 * abort ends the exchange with its own reason, whatever the phase.
 */
export async function sendWithDeadlines(fetchImpl: typeof fetch, input: string | Request, init: RequestInit, deadlines: Deadlines): Promise<TimedReply> {
  const url = typeof input === 'string' ? input : input.url;
  const callerSignal = init.signal ?? (typeof input === 'string' ? undefined : input.signal);
  if (callerSignal?.aborted) throw callerSignal.reason;
  const controller = new AbortController();
  let expired: DeadlineError | undefined;
  const watchdog = new Watchdog((phase: DeadlinePhase, ms: number) => {
    expired = new DeadlineError(phase, ms, url);
    controller.abort(expired);
  });
  const onCallerAbort = () => controller.abort(callerSignal?.reason);
  callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  const finish = () => {
    watchdog.stop();
    callerSignal?.removeEventListener('abort', onCallerAbort);
  };
  // Whatever the runtime rejects with, the caller learns which deadline (or its own abort) ended it.
  const explain = (error: unknown): unknown => expired ?? (callerSignal?.aborted ? callerSignal.reason : error);

  watchdog.arm('headers', deadlines.headersMs);
  let response: Response;
  try {
    response = await fetchImpl(input, { ...init, signal: controller.signal });
  } catch (error) {
    finish();
    throw explain(error);
  }
  watchdog.disarm();

  const reader = response.body?.getReader();
  if (!reader) finish();
  let started = false;
  let ended = reader === undefined;
  const end = () => {
    ended = true;
    finish();
  };

  return {
    status: response.status,
    statusText: response.statusText,
    ok: response.ok,
    headers: response.headers,
    async read() {
      if (ended || !reader) return DONE;
      if (started) watchdog.arm('idle', deadlines.idleMs);
      else watchdog.arm('first-byte', deadlines.firstByteMs ?? deadlines.idleMs);
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (error) {
        end();
        throw explain(error);
      }
      watchdog.disarm();
      if (result.done) end();
      else started = true;
      return result;
    },
    async text() {
      if (ended || !reader) return '';
      watchdog.arm('body', deadlines.bodyMs);
      const decoder = new TextDecoder();
      let text = '';
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          text += decoder.decode(value, { stream: true });
        }
      } catch (error) {
        end();
        throw explain(error);
      }
      end();
      return text + decoder.decode();
    },
    close(reason?: unknown) {
      if (ended) return;
      end();
      reader?.cancel(reason).catch(() => {});
    },
  };
}

/**
 * A `fetch` whose every request runs under `deadlines`: for clients that speak plain fetch (usage,
 * issuer, model catalog). The body handed back is read under the first-byte and idle deadlines.
 */
export function fetchWithDeadlines(fetchImpl: typeof fetch, deadlines: Deadlines): typeof fetch {
  const timedFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const reply = await sendWithDeadlines(fetchImpl, input instanceof Request ? input : String(input), init ?? {}, deadlines);
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          try {
            const { done, value } = await reply.read();
            if (done) controller.close();
            else controller.enqueue(value);
          } catch (error) {
            controller.error(error);
          }
        },
        cancel(reason) {
          reply.close(reason);
        },
      },
      { highWaterMark: 0 },
    );
    // A null-body status cannot carry a stream.
    const nullBody = reply.status === 204 || reply.status === 205 || reply.status === 304;
    if (nullBody) reply.close();
    return new Response(nullBody ? null : body, { status: reply.status, statusText: reply.statusText, headers: reply.headers });
  };
  return timedFetch;
}
