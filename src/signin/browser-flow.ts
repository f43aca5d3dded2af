import { buildAuthorizeUrl, redirectUriFor } from './authorize-url.js';
import { DEFAULT_CALLBACK_PORTS, DEFAULT_SIGN_IN_TIMEOUT_MS, startCallbackServer, type CallbackServer } from './callback-server.js';
import { SignInTimeoutError } from './errors.js';
import { exchangeCode } from './code-exchange.js';
import { CLIENT_ID } from '../tokens/oauth-client.js';
import type { Grant } from './grant.js';
import type { FetchLike } from './issuer-http.js';
import { IssuerRequestError, UnreadablePasteError } from './errors.js';
import { readPastedCode } from './paste-flow.js';
import { createPkce, createState } from './pkce.js';

export interface BrowserSignInOptions {
  /** The OAuth issuer, e.g. `https://auth.openai.com` (config.authIssuer). */
  issuer: string;
  /** Used for the code exchange. Default the global `fetch`. */
  fetch?: FetchLike;
  /** Callback ports to try in order. Default 1455, then 1457: the only two the issuer accepts. */
  ports?: readonly number[];
  /**
   * `false`: start no callback server; the sign-in completes only by {@link BrowserSignIn.submitPaste}
   * (the paste sign-in, which works while another program holds the callback ports). The redirect
   * URI is then the first of `ports`. Default true.
   */
  listen?: boolean;
  /** Told about callbacks the server refused or ignored while waiting (another attempt's, another host). */
  onIgnored?: (reason: string) => void;
  /** How long to wait for the browser. Default 5 minutes. */
  timeoutMs?: number;
  /** Called once with the authorize URL, e.g. to open a browser. Errors are ignored: the URL is also returned. */
  openBrowser?: (url: string) => void;
}

export interface BrowserSignIn {
  /** The address to open in a browser. */
  url: string;
  /** The port of the redirect URI (the callback server listens on it unless `listen: false`). */
  port: number;
  /** Whether a callback server is waiting for the browser. */
  listening: boolean;
  redirectUri: string;
  /** Resolves with the tokens once the browser comes back (or {@link submitPaste} was called) and the code is exchanged. */
  waitForTokens(): Promise<Grant>;
  /**
   * The fallback when the browser cannot reach this machine (e.g. over SSH): the address the browser ended on,
   * or just its code. Resolves with the tokens. Unreadable text, a wrong state, or a code the issuer does not
   * know (a typo) rejects with {@link UnreadablePasteError} or {@link StateMismatchError} and the sign-in goes
   * on: the right code is still valid, so the user can paste again.
   */
  submitPaste(text: string): Promise<Grant>;
  /** How the code arrived, once it has: through the callback, or pasted. */
  readonly via: 'browser' | 'pasted' | undefined;
  /** Stops the callback server. */
  close(): Promise<void>;
}

/** Starts a PKCE sign-in: a callback server on the first free port and the authorize URL pointing at it. */
export async function startBrowserSignIn(options: BrowserSignInOptions): Promise<BrowserSignIn> {
  const pkce = createPkce();
  const state = createState();
  const server =
    options.listen === false
      ? pasteOnly(options.ports ?? DEFAULT_CALLBACK_PORTS, options.timeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS)
      : await startCallbackServer({ expectedState: state, ports: options.ports, timeoutMs: options.timeoutMs, onIgnored: options.onIgnored });
  const url = buildAuthorizeUrl({
    issuer: options.issuer,
    clientId: CLIENT_ID,
    redirectUri: server.redirectUri,
    codeChallenge: pkce.challenge,
    state,
  });
  const exchange = (code: string) =>
    exchangeCode(options.issuer, { code, redirectUri: server.redirectUri, codeVerifier: pkce.verifier }, { fetch: options.fetch });

  let via: 'browser' | 'pasted' | undefined;
  let finish!: { resolve: (grant: Grant) => void; reject: (error: unknown) => void };
  const tokens = new Promise<Grant>((resolve, reject) => {
    finish = { resolve, reject };
  });
  tokens.catch(() => undefined);
  server.waitForCode().then(
    async (code) => {
      if (via) return;
      via = 'browser';
      await server.close();
      exchange(code).then(finish.resolve, finish.reject);
    },
    (error: unknown) => {
      if (!via) finish.reject(error);
    },
  );
  /** Pastes being exchanged now: one at a time, so a second paste waits for the first's answer. */
  let pasteChain: Promise<unknown> = Promise.resolve();
  const submitPaste = (text: string): Promise<Grant> => {
    const code = readPastedCode(text, state);
    const attempt = pasteChain.then(async (): Promise<Grant> => {
      if (via) return tokens;
      let grant: Grant;
      try {
        grant = await exchange(code);
      } catch (error) {
        // The issuer refused the code itself (a typo, or a code from another sign-in): the right one still works.
        if (error instanceof IssuerRequestError && error.status === 400)
          throw new UnreadablePasteError(`the sign-in server does not know that code (${error.detail}); check it and paste it again`);
        via = 'pasted';
        finish.reject(error);
        throw error;
      }
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the browser's callback may have set it while the exchange was awaited
      if (via) return tokens;
      via = 'pasted';
      finish.resolve(grant);
      await server.close();
      return grant;
    });
    pasteChain = attempt.catch(() => undefined);
    return attempt;
  };

  if (options.openBrowser) {
    try {
      options.openBrowser(url);
    } catch {
      // The URL is printed as well; a browser that fails to open is not a failed sign-in.
    }
  }

  return {
    url,
    port: server.port,
    listening: options.listen !== false,
    redirectUri: server.redirectUri,
    waitForTokens: () => tokens,
    get via() {
      return via;
    },
    submitPaste: async (text: string) => submitPaste(text),
    close: () => server.close(),
  };
}

/** No server: the browser's redirect goes nowhere here, and the user pastes the address it ended on. */
function pasteOnly(ports: readonly number[], timeoutMs: number): CallbackServer {
  const port = ports[0] ?? DEFAULT_CALLBACK_PORTS[0]!;
  let cancel: ((error: Error) => void) | undefined;
  const noCallback = new Promise<string>((_resolve, reject) => {
    cancel = reject;
  });
  noCallback.catch(() => undefined);
  const timer = setTimeout(() => cancel?.(new SignInTimeoutError(timeoutMs)), timeoutMs);
  (timer as { unref?: () => void }).unref?.();
  return {
    port,
    redirectUri: redirectUriFor(port),
    waitForCode: () => noCallback,
    close: () => {
      clearTimeout(timer);
      cancel?.(new Error('The sign-in was cancelled.'));
      return Promise.resolve();
    },
  };
}
