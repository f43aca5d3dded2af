import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CALLBACK_PATH, redirectUriFor } from './authorize-url.js';
import { failurePage, successPage } from './callback-pages.js';
import { AuthorizationDeniedError, NoFreeCallbackPortError, SignInTimeoutError, StateMismatchError } from './errors.js';

/** The codex CLI's port first, then the next four. */
export const DEFAULT_CALLBACK_PORTS = [1455, 1456, 1457, 1458, 1459];

/** Five minutes: long enough to find a password, short enough not to hold a port all day. */
export const DEFAULT_SIGN_IN_TIMEOUT_MS = 5 * 60_000;

export interface CallbackServerOptions {
  /** The `state` the authorize URL carries; a callback with any other is refused. */
  expectedState: string;
  /** Ports to try in order. Default {@link DEFAULT_CALLBACK_PORTS}. */
  ports?: number[];
  /** How long {@link CallbackServer.waitForCode} waits. Default {@link DEFAULT_SIGN_IN_TIMEOUT_MS}. */
  timeoutMs?: number;
}

export interface CallbackServer {
  port: number;
  redirectUri: string;
  /** Resolves with the authorization code; rejects on a wrong state, an issuer error, the timeout or {@link close}. */
  waitForCode(): Promise<string>;
  /** Stops listening. Safe to call twice. */
  close(): Promise<void>;
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

  const handler: http.RequestListener = (request, response) => {
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
    const error = url.searchParams.get('error');
    if (error) {
      const denied = new AuthorizationDeniedError(error, url.searchParams.get('error_description') ?? undefined);
      send(400, failurePage(denied.message));
      finish({ error: denied });
      return;
    }
    if (url.searchParams.get('state') !== options.expectedState) {
      const mismatch = new StateMismatchError();
      send(400, failurePage(mismatch.message));
      finish({ error: mismatch });
      return;
    }
    const code = url.searchParams.get('code');
    if (!code) {
      send(400, failurePage('The address had no sign-in code.'));
      return;
    }
    send(200, successPage());
    finish({ code });
  };

  const servers: http.Server[] = [];
  let port: number | undefined;
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
