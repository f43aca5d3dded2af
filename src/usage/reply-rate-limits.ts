import type { StoreData } from '../store/schema.js';
import { ACCOUNT_WIDE_LIMIT } from './limit-families.js';
import { snapshotsFromHeaders } from './rate-limit-headers.js';
import { learnModelFamily, recordObservation } from './usage-mutations.js';

/** Unchanged rate-limit headers are recorded again after this long, so their snapshot stays fresh. */
const RATE_LIMIT_REFRESH_MS = 60_000;

/**
 * The headers that change when a reply's limits do. Named family headers are left out on purpose:
 * a family's numbers only move on its own turns, where the unnamed slots carry them (and the
 * active limit says so); anything else is caught by the re-record after {@link RATE_LIMIT_REFRESH_MS}.
 * A few `get`s, not a walk over every header: this runs on every reply.
 */
function signatureOf(headers: Headers): string {
  return `${headers.get('x-codex-active-limit')}|${headers.get('x-codex-primary-used-percent')}|${headers.get('x-codex-secondary-used-percent')}|${headers.get('x-codex-primary-reset-at')}|${headers.get('x-codex-secondary-reset-at')}`;
}

/**
 * Records what each `/codex/responses` reply says about the account's limits: the account-wide
 * windows, limit families (on a family's turn the unnamed `x-codex-*` slots are the family's, see
 * {@link snapshotsFromHeaders}), and which limit the request's model is under. One per request path;
 * it remembers per account the last headers it recorded, so a repeat is not parsed and stored again.
 */
export class ReplyRateLimitRecorder {
  readonly #last = new Map<string, { signature: string; at: number }>();

  constructor(private readonly store: { defer(mutate: (data: StoreData) => void): void }) {}

  record(accountId: string, reply: Pick<Response, 'status' | 'headers'>, now: number, model: string | undefined): void {
    const { headers } = reply;
    // Most replies repeat the last numbers; re-recording them only matters to keep the snapshot fresh.
    const signature = `${model ?? ''}|${reply.status}|${signatureOf(headers)}`;
    const last = this.#last.get(accountId);
    if (last && last.signature === signature && now - last.at < RATE_LIMIT_REFRESH_MS) return;
    this.#last.set(accountId, { signature, at: now });
    const observation = snapshotsFromHeaders(headers, now);
    const { activeLimit } = observation;
    // A served turn names the limit it is metered under. A refusal names the limit that blocked it:
    // a family's proves the model is in that family, but `premium` only says the account is out.
    const learns = model !== undefined && activeLimit !== undefined && (reply.status < 400 || activeLimit !== ACCOUNT_WIDE_LIMIT);
    if (!learns && !observation.fiveHour && !observation.weekly && !observation.monthly && !observation.additional && !observation.credits) return;
    this.store.defer((data) => {
      recordObservation(data, accountId, observation);
      if (learns) learnModelFamily(data, model, activeLimit);
    });
  }
}
