import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import { silentLogger, type Logger } from '../log/logger.js';
import { redact } from '../log/redact.js';
import type { AccountStore } from '../store/account-store.js';
import { findAccount } from '../store/mutations.js';
import { TokenKeeper } from '../tokens/token-keeper.js';
import { UsageRefreshQueue } from '../usage/refresh-queue.js';
import {
  BadActionError,
  EmptyBody,
  PinBody,
  RefreshBody,
  RemoveBody,
  RenameBody,
  SignInBody,
  enableAccount,
  parseBody,
  pinAccount,
  removeWithConfirmation,
  renameTo,
  statusOfActionError,
  unpin,
  type ActionContext,
} from './actions.js';
import { APP_CSS } from './assets/app-css.js';
import { renderPage } from './assets/page.js';
import { loadWebBundle } from './assets/web-bundle.js';
import { EventHub } from './events.js';
import { checkRequest, newDashboardToken, securityHeaders } from './security.js';
import { TOKEN_HEADER } from './token-header.js';
import { SignInStarter } from './sign-in.js';
import { UsageHistory } from './usage-history.js';
import { dashboardView, type DashboardView } from './view-model.js';

export const DEFAULT_DASHBOARD_PORT = 3434;

/** Request bodies are a few fields; anything bigger is refused. */
const MAX_BODY_BYTES = 16 * 1024;

export interface DashboardOptions {
  /** The loaded account store. The dashboard does not close it. */
  store: AccountStore;
  config: Pick<
    Config,
    | 'callbackPorts'
    | 'storeDir'
    | 'codexBaseUrl'
    | 'authIssuer'
    | 'refreshQueueConcurrency'
    | 'strategy'
    | 'pauseAtPercent'
    | 'snapshotStaleAfter'
    | 'tokenRefreshMargin'
    | 'useCredits'
  >;
  /** Port on 127.0.0.1. Default {@link DEFAULT_DASHBOARD_PORT}; 0 picks a free one. */
  port?: number;
  /** Default the system clock. */
  clock?: Clock;
  /** For token refreshes, usage requests and the sign-in exchange. Default the global fetch. */
  fetch?: typeof fetch;
  logger?: Logger;
  /** How often the store file is checked for changes made by other processes. Default 1 s. */
  watchIntervalMs?: number;
  /** Sign-in callback ports. Default those of `opencode-multi-auth login` (1455, then 1457). */
  signInPorts?: readonly number[];
  /** The refresh queue to use; default one built for the store and config. */
  queue?: UsageRefreshQueue;
}

export interface Dashboard {
  /** `http://127.0.0.1:PORT/` */
  url: string;
  port: number;
  /** This run's token for state-changing requests (the page carries it). */
  token: string;
  /** The view as the page would get it now. */
  view(): Promise<DashboardView>;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Serves the dashboard on 127.0.0.1 until `close()`. Rejects when the port is taken (EADDRINUSE). */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const { store, config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const appJs = await loadWebBundle();
  const token = newDashboardToken();
  const hub = new EventHub();
  const history = new UsageHistory({ dir: config.storeDir });
  await history.load(clock.now());
  const queue =
    options.queue ??
    new UsageRefreshQueue({
      store,
      tokens: new TokenKeeper({ store, issuer: config.authIssuer, clock, fetch: options.fetch, refreshMarginMs: config.tokenRefreshMargin, logger }),
      config,
      fetch: options.fetch,
      clock,
      logger,
    });
  const actions: ActionContext = { store, clock };
  const signIn = new SignInStarter({
    store,
    issuer: config.authIssuer,
    clock,
    fetch: options.fetch,
    ports: options.signInPorts ?? options.config.callbackPorts,
    onChange: () => scheduleBroadcast(),
  });

  const view = async (): Promise<DashboardView> => {
    const data = await store.current();
    const now = clock.now();
    return dashboardView(data, {
      now,
      eligibility: { pauseAtPercent: config.pauseAtPercent, snapshotStaleAfterMs: config.snapshotStaleAfter, useCredits: config.useCredits },
      strategy: config.strategy,
      history: history.points(now),
      progress: queue.progress(),
      signIn: signIn.status(),
    });
  };

  // Every change (ours, a refresh's, another process's noticed by the watch) reaches the pages once, batched.
  let broadcastTimer: ReturnType<typeof setTimeout> | undefined;
  function scheduleBroadcast(): void {
    broadcastTimer ??= setTimeout(() => {
      broadcastTimer = undefined;
      void (async () => {
        await history.record(store.peek(), clock.now());
        if (hub.size > 0) hub.broadcast('state', await view());
      })().catch((error: unknown) => {
        hub.broadcast('problem', { message: redact(error instanceof Error ? error.message : String(error)) });
      });
    }, 25);
  }
  const unsubscribeStore = store.onChange(() => scheduleBroadcast());
  const unsubscribeQueue = queue.onProgress(() => scheduleBroadcast());
  const watch = setInterval(() => {
    store.current().catch((error: unknown) => logger.warn('dashboard: store check failed', { error: error instanceof Error ? error.message : String(error) }));
  }, options.watchIntervalMs ?? 1_000);
  watch.unref();
  await history.record(await store.current(), clock.now());

  let port = options.port ?? DEFAULT_DASHBOARD_PORT;
  const headers = securityHeaders();

  const send = (res: ServerResponse, status: number, body: string, contentType: string) => {
    res.writeHead(status, { ...headers, 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const sendJson = (res: ServerResponse, status: number, value: unknown) => send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const verdict = checkRequest(
      { method, host: req.headers.host, origin: req.headers.origin, token: header(req, TOKEN_HEADER), contentType: req.headers['content-type'] },
      { port, token },
    );
    if (!verdict.ok) return sendJson(res, verdict.status, { error: verdict.reason });
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;

    if (method === 'GET' || method === 'HEAD') {
      switch (path) {
        case '/':
          return send(res, 200, renderPage(token), 'text/html; charset=utf-8');
        case '/app.js':
          return send(res, 200, appJs, 'text/javascript; charset=utf-8');
        case '/app.css':
          return send(res, 200, APP_CSS, 'text/css; charset=utf-8');
        case '/favicon.ico':
          res.writeHead(204, headers).end();
          return;
        case '/api/state':
          return sendJson(res, 200, await view());
        case '/api/events':
          hub.attach(res, headers, { event: 'state', data: await view() });
          return;
        default:
          throw new HttpError(404, `Nothing at ${path}.`);
      }
    }
    if (method !== 'POST') throw new HttpError(405, `${method} is not used here.`);

    const body = await readJson(req);
    if (path === '/api/refresh') {
      const { accountId } = parseBody(RefreshBody, body);
      const data = await store.current();
      const ids = accountId !== undefined ? [accountId] : data.accounts.filter((account) => account.enabled).map((account) => account.id);
      if (accountId !== undefined && !findAccount(data, accountId)) throw new HttpError(404, `No account ${accountId}.`);
      // The answer does not wait: progress and results arrive as events.
      void queue.refreshAll(ids).catch((error: unknown) => logger.warn('dashboard: refresh failed', { error: String(error) }));
      return sendJson(res, 202, { queued: ids });
    }
    if (path === '/api/unpin') {
      parseBody(EmptyBody, body);
      return sendJson(res, 200, await unpin(actions));
    }
    if (path === '/api/sign-in') {
      const { alias } = parseBody(SignInBody, body);
      return sendJson(res, 200, await signIn.start(alias));
    }
    const match = /^\/api\/accounts\/([^/]+)\/(enable|disable|pin|rename|remove)$/.exec(path);
    if (!match) throw new HttpError(404, `Nothing at ${path}.`);
    const accountId = decodeURIComponent(match[1]!);
    switch (match[2]) {
      case 'enable':
      case 'disable':
        parseBody(EmptyBody, body);
        return sendJson(res, 200, await enableAccount(actions, accountId, match[2] === 'enable'));
      case 'pin':
        return sendJson(res, 200, await pinAccount(actions, accountId, parseBody(PinBody, body)));
      case 'rename':
        return sendJson(res, 200, await renameTo(actions, accountId, parseBody(RenameBody, body)));
      default:
        return sendJson(res, 200, await removeWithConfirmation(actions, accountId, parseBody(RemoveBody, body)));
    }
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : statusOfActionError(error);
      const message = redact(error instanceof Error ? error.message : String(error));
      if (status === 500) logger.warn('dashboard: request failed', { path: req.url, error: message });
      if (res.headersSent) res.end();
      else sendJson(res, status, { error: message });
    });
  });
  server.requestTimeout = 30_000;

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    clearInterval(watch);
    unsubscribeStore();
    unsubscribeQueue();
    hub.close();
    throw error;
  }
  port = (server.address() as AddressInfo).port;

  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    token,
    view,
    close() {
      closed ??= (async () => {
        clearInterval(watch);
        if (broadcastTimer) clearTimeout(broadcastTimer);
        unsubscribeStore();
        unsubscribeQueue();
        queue.cancel();
        hub.close();
        await signIn.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await queue.idle().catch(() => undefined);
      })();
      return closed;
    },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'The request body is too large.');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new BadActionError('The body is not JSON.');
  }
}
