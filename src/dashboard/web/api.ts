import { TOKEN_HEADER } from '../token-header.js';
import type { FadingNotice } from './notices.js';

/*
 * The page's requests. Every state-changing request carries this run's token (from the page's meta
 * tag) and a JSON body; the server refuses anything else.
 */

/** What the server answers to an action (`{ message }`), a refresh (`{ queued }`) or a sign-in. */
export interface ActionAnswer {
  message?: string;
  error?: string;
  url?: string | null;
  queued?: string[];
}

export class DashboardApi {
  readonly #token: string;
  readonly #notice: FadingNotice;

  constructor(token: string, notice: FadingNotice) {
    this.#token = token;
    this.#notice = notice;
  }

  async post(path: string, body: object = {}): Promise<ActionAnswer> {
    const res = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: this.#token },
      body: JSON.stringify(body),
    });
    const answer = (await res.json().catch(() => ({}))) as ActionAnswer;
    if (!res.ok) throw new Error(answer.error ?? `HTTP ${res.status}`);
    return answer;
  }

  /** Posts, shows the server's message or error as a notice, and resolves to the answer (or undefined on failure). */
  async act(path: string, body: object = {}): Promise<ActionAnswer | undefined> {
    try {
      const answer = await this.post(path, body);
      if (answer.message) this.#notice.show(answer.message);
      return answer;
    } catch (error) {
      this.#notice.show(error instanceof Error ? error.message : String(error), 'bad');
      return undefined;
    }
  }
}

export function accountPath(accountId: string, action: string): string {
  return `/api/accounts/${encodeURIComponent(accountId)}/${action}`;
}

/** The per-run token the server put in the page. */
export function pageToken(): string {
  const token = document.querySelector('meta[name="dashboard-token"]')?.getAttribute('content');
  if (!token) throw new Error('dashboard page: the token meta tag is missing');
  return token;
}
