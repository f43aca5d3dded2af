import type { Clock } from '../clock.js';
import { redact } from '../log/redact.js';
import { addSignedInAccount, aliasKeptNote } from '../signin/add-signed-in-account.js';
import { startBrowserSignIn, type BrowserSignIn } from '../signin/browser-flow.js';
import type { AccountStore } from '../store/account-store.js';
import type { SignInView } from './view-model.js';

export interface SignInStarterOptions {
  store: AccountStore;
  issuer: string;
  clock: Clock;
  fetch?: typeof fetch;
  /** Callback ports; default those of `opencode-multi-auth login`. */
  ports?: readonly number[];
  /** How long the browser may take. Default 5 min. */
  timeoutMs?: number;
  /** Called whenever the status changes. */
  onChange: (status: SignInView) => void;
}

/**
 * One browser sign-in at a time, started from the page: the page opens the authorize address in a
 * new tab, the callback server here receives the code, and the account is stored as `login` would.
 */
export class SignInStarter {
  readonly #options: SignInStarterOptions;
  #running: BrowserSignIn | undefined;
  #status: SignInView | null = null;

  constructor(options: SignInStarterOptions) {
    this.#options = options;
  }

  status(): SignInView | null {
    return this.#status;
  }

  /** Starts a sign-in, or returns the one waiting. Throws when no callback port is free. */
  async start(alias: string | undefined): Promise<SignInView> {
    if (this.#running && this.#status?.state === 'waiting') return this.#status;
    const options = this.#options;
    const signIn = await startBrowserSignIn({ issuer: options.issuer, fetch: options.fetch, ports: options.ports, timeoutMs: options.timeoutMs });
    this.#running = signIn;
    this.#set({ state: 'waiting', url: signIn.url, message: `Waiting for the browser (callback on port ${signIn.port}).` });
    signIn
      .waitForTokens()
      .then((grant) => addSignedInAccount(options.store, grant, { alias, origin: signIn.via ?? 'browser', now: options.clock.now() }))
      .then((result) => {
        const who = result.account.email ?? result.account.id;
        const head = result.created ? `Signed in as ${who}; added as ${result.account.alias}.` : `Signed in as ${who}; ${result.account.alias} has new tokens.`;
        const taken = result.aliasTakenBy ? ` The alias "${alias}" belongs to ${result.aliasTakenBy}, so this one is "${result.account.alias}".` : '';
        const kept = aliasKeptNote(result);
        this.#set({ state: 'done', url: null, message: `${head}${taken}${kept ? ` ${kept}` : ''}` });
      })
      .catch((error: unknown) => {
        this.#set({ state: 'failed', url: null, message: redact(error instanceof Error ? error.message : String(error)) });
      })
      .finally(() => {
        if (this.#running === signIn) this.#running = undefined;
        void signIn.close().catch(() => undefined);
      });
    return this.#status!;
  }

  async close(): Promise<void> {
    await this.#running?.close().catch(() => undefined);
    this.#running = undefined;
  }

  #set(status: SignInView): void {
    this.#status = status;
    this.#options.onChange(status);
  }
}
