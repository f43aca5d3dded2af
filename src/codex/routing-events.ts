import type { Choice } from '../rotator/choose-account.js';
import type { AttemptRecord } from './decision-record.js';

/**
 * Moments of a request the user may want to hear about, told by the request path as they happen.
 * The request path only reports them; what (if anything) the user is shown is decided elsewhere.
 */
export type RoutingEvent =
  /** A session that was on `fromAccountId` was just served by `toAccountId`. */
  | { kind: 'session-moved'; sessionId: string; fromAccountId: string; toAccountId: string; model?: string; attempts: readonly AttemptRecord[] }
  /** No account could take the request. */
  | { kind: 'no-eligible-account'; choice: Extract<Choice, { ok: false }>; model?: string };

/** Receives {@link RoutingEvent}s. Called on the request's own path: it must return at once and never throw. */
export type RoutingEventListener = (event: RoutingEvent) => void;
