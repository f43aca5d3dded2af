import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CALLBACK_PATH, redirectUriFor } from './authorize-url.js';
import { failurePage, ignoredPage, successPage } from './callback-pages.js';
import { AuthorizationDeniedError, NoFreeCallbackPortError, SignInTimeoutError } from './errors.js';

/**
 * The only two ports the issuer accepts for this client id, in the codex CLI's order (PROTOCOL.md §8):
 * any other redirect URI is refused with a generic `unknown_error` before the browser comes back.
 */
export const DEFAULT_CALLBACK_PORTS: readonly number[] = [1455, 1457];

/** Five minutes: long enough to find a password, short enough not to hold a port all day. */
export const DEFAULT_SIGN_IN_TIMEOUT_MS = 5 * 60_000;

export interface CallbackServerOptions {
  /** The `state` the authorize URL carries; a callback with any other is refused. */
  expectedState: string;
  /** Ports to try in order. Default {@link DEFAULT_CALLBACK_PORTS}. */
  ports?: readonly number[];
  /** How long {@link CallbackServer.waitForCode} waits. Default {@link DEFAULT_SIGN_IN_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Told about each request that was refused or ignored while the sign-in goes on (a stray tab, a prefetch, a forged Host). */
  onIgnored?: (reason: string) => void;
}

export interface CallbackServer {
  port: number;
  redirectUri: string;
  /**
   * Resolves with the authorization code; rejects on an issuer error carrying this attempt's state,
   * the timeout or {@link close}. Callbacks of other attempts are ignored.
   */
  waitForCode(): Promise<string>;
  /** Stops listening. Safe to call twice. */
  close(): Promise<void>;
}

/** `localhost`, `127.0.0.1` or `[::1]`, on the callback's own port. */
export function isLocalHost(host: string | undefined, port: number | undefined): boolean {
  if (host === undefined || port === undefined) return false;
  const name = host.toLowerCase();
  return name === `localhost:${port}` || name === `127.0.0.1:${port}` || name === `[::1]:${port}`;
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Stops accepting; `force` also cuts open connections (otherwise the last page is allowed to finish). */
function closeServer(server: http.Server, force: boolean): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    if (force) server.closeAllConnections?.();
    else server.closeIdleConnections?.();
  });
}

/**
 * Listens on 127.0.0.1 (and ::1 when the machine has it, since `localhost` may resolve to either) on the
 * first free port, and waits for the issuer to send the browser back with a code.
 */
export async function startCallbackServer(options: CallbackServerOptions): Promise<CallbackServer> {
  const ports = options.ports ?? DEFAULT_CALLBACK_PORTS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS;

  let settle: { resolve: (code: string) => void; reject: (error: Error) => void } | undefined;
  let outcome: { code: string } | { error: Error } | undefined;
  const finish = (result: { code: string } | { error: Error }) => {
    if (outcome) return;
    outcome = result;
    if (settle) ('code' in result ? settle.resolve(result.code) : settle.reject(result.error));
  };

  let port: number | undefined;
  const ignore = (reason: string) => options.onIgnored?.(reason);

  const handler: http.RequestListener = (request, response) => {
    // A page on another site can make the browser send a request here (DNS rebinding included): only
    // the names the redirect URI and a direct visit use are served.
    if (!isLocalHost(request.headers.host, port)) {
      response.writeHead(421, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end('Misdirected request');
      ignore(`refused a request for another host (${String(request.headers.host ?? 'none').slice(0, 80)})`);
      return;
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== CALLBACK_PATH) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    const send = (status: number, html: string) =>
      response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', connection: 'close' }).end(html);
    if (outcome) {
      send(409, failurePage('This sign-in has already finished.'));
      return;
    }
    // Only this attempt's answers count: an old tab, a second attempt or a forged link carries
    // another state (or none), and must not end the sign-in the user is in the middle of.
    if (url.searchParams.get('state') !== options.expectedState) {
      send(400, ignoredPage());
      ignore('ignored a callback that does not belong to this sign-in (state mismatch)');
      return;
    }
    const error = url.searchParams.get('error');
    if (error) {
      const denied = new AuthorizationDeniedError(error, url.searchParams.get('error_description') ?? undefined);
      send(400, failurePage(denied.message));
      finish({ error: denied });
      return;
    }
    const code = url.searchParams.get('code');
    if (!code) {
      send(400, ignoredPage('The address had no sign-in code.'));
      ignore('ignored a callback without a code');
      return;
    }
    send(200, successPage());
    finish({ code });
  };

  const servers: http.Server[] = [];
  for (const candidate of ports) {
    const server = http.createServer(handler);
    try {
      await listen(server, candidate, '127.0.0.1');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE' || (error as NodeJS.ErrnoException).code === 'EACCES') continue;
      throw error;
    }
    servers.push(server);
    port = (server.address() as AddressInfo).port;
    const v6 = http.createServer(handler);
    // ::1 is a convenience for browsers that resolve localhost to it; without IPv6 (or if taken) 127.0.0.1 is enough.
    await listen(v6, port, '::1').then(
      () => servers.push(v6),
      () => undefined,
    );
    break;
  }
  if (port === undefined) throw new NoFreeCallbackPortError(ports);

  const timer = setTimeout(() => finish({ error: new SignInTimeoutError(timeoutMs) }), timeoutMs);
  timer.unref?.();
  const codePromise = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
    if (outcome) ('code' in outcome ? resolve(outcome.code) : reject(outcome.error));
  });
  // A rejection nobody awaited must not crash the process.
  codePromise.catch(() => undefined);
  const closeAll = async (force: boolean) => {
    clearTimeout(timer);
    await Promise.all(servers.map((server) => closeServer(server, force)));
  };
  const closeGently = () => closeAll(false);
  codePromise.then(closeGently, closeGently);

  return {
    port,
    redirectUri: redirectUriFor(port),
    waitForCode: () => codePromise,
    close: async () => {
      finish({ error: new Error('The sign-in was cancelled.') });
      await closeAll(true);
    },
  };
}
