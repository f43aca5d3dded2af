import type { StoreData } from '../store/schema.js';
import { chooseAccount, type Choice, type ChoiceRequest, type ChoiceSettings } from './choose-account.js';

/** How many sessions the rotator remembers; the oldest is forgotten first. */
const REMEMBERED_SESSIONS = 2_000;

/**
 * Holds what routing remembers between requests (which account each session used, where
 * round-robin stands) around the pure {@link chooseAccount}. One per plugin instance.
 */
export class AccountRotator {
  readonly #sessions = new Map<string, string>();
  #lastRoundRobinId: string | undefined;

  constructor(private readonly settings: ChoiceSettings) {}

  choose(data: StoreData, request: ChoiceRequest): Choice {
    return chooseAccount(
      data,
      request,
      {
        sessionAccountId: this.sessionAccount(request.sessionId, data),
        lastRoundRobinId: this.#lastRoundRobinId,
      },
      this.settings,
    );
  }

  /** The account that last served the session, here or (for a resumed session) in another process. */
  sessionAccount(sessionId: string | undefined, data: StoreData): string | undefined {
    if (sessionId === undefined) return undefined;
    return this.#sessions.get(sessionId) ?? data.sessions[sessionId]?.accountId;
  }

  /** Records that `accountId` served the request, so the session stays there. */
  served(accountId: string, sessionId: string | undefined): void {
    this.#lastRoundRobinId = accountId;
    if (sessionId === undefined) return;
    this.#sessions.delete(sessionId);
    this.#sessions.set(sessionId, accountId);
    if (this.#sessions.size > REMEMBERED_SESSIONS) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest !== undefined) this.#sessions.delete(oldest);
    }
  }
}
