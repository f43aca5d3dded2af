import type { IncomingMessage, ServerResponse } from 'node:http';
import { replacesAnswer, type FaultEffect } from './faults.js';
import { delay, lowercaseHeaders, parseRequestBody, readRequestBody, sendChallenge, sendJson, sendText, stallUntilClosed } from './http.js';
import type { RouteHandler } from './route.js';
import { deviceApproveRoute, deviceTokenRoute, devicePageRoute, userCodeRoute } from './routes-device.js';
import { authorizeChoiceRoute, authorizeRoute, tokenRoute } from './routes-oauth.js';
import { codexModelsRoute } from './routes-models.js';
import { responsesRoute } from './routes-responses.js';
import { codexUsageRoute, whamUsageRoute } from './routes-usage.js';
import type { RequestContext, SimState } from './state.js';
import type { FaultRoute, SimRoute } from './types.js';

const ROUTES: Record<string, RouteHandler> = {
  'POST /backend-api/codex/responses': responsesRoute,
  'GET /backend-api/codex/usage': codexUsageRoute,
  'GET /backend-api/wham/usage': whamUsageRoute,
  'GET /backend-api/codex/models': codexModelsRoute,
  'POST /oauth/token': tokenRoute,
  'GET /oauth/authorize': authorizeRoute,
  'POST /oauth/authorize': authorizeChoiceRoute,
  'POST /api/accounts/deviceauth/usercode': userCodeRoute,
  'POST /api/accounts/deviceauth/token': deviceTokenRoute,
  'GET /codex/device': devicePageRoute,
  'POST /codex/device': deviceApproveRoute,
};

const FAULT_ROUTES = new Set<SimRoute>(['responses', 'codex-usage', 'wham-usage', 'codex-models', 'token', 'usercode', 'device-token']);

const notFoundRoute: RouteHandler = {
  route: 'unknown',
  identify: () => undefined,
  handle(ctx) {
    sendJson(ctx.res, 404, { detail: 'Not Found' });
    return Promise.resolve();
  },
};

const DEFAULT_FAULT_BODY = JSON.stringify({
  error: { message: 'Simulated fault', type: 'server_error', code: 'simulated_fault' },
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Applies the parts of a fault that act before or instead of normal processing. Returns true when
 * the request has been answered (or cut) and the route must not run.
 */
async function applyFaultPrelude(ctx: RequestContext, route: SimRoute, fault: FaultEffect): Promise<boolean> {
  const { res } = ctx;
  if (fault.delayHeadersMs) await delay(fault.delayHeadersMs, ctx.state.closing);
  for (const [name, value] of Object.entries(fault.headers ?? {})) res.setHeader(name, value);
  const streaming = route === 'responses';
  if (fault.resetMidStream && !streaming) {
    ctx.req.socket.destroy();
    return true;
  }
  if (fault.challenge) {
    sendChallenge(res);
    return true;
  }
  if (replacesAnswer(fault)) {
    const body = fault.body ?? DEFAULT_FAULT_BODY;
    const contentType = res.getHeader('content-type') ?? (isJson(body) ? 'application/json' : 'text/plain; charset=utf-8');
    if (fault.stallBody) {
      res.writeHead(fault.status ?? 500, { 'content-type': String(contentType), 'content-length': String(Buffer.byteLength(body)) });
      res.flushHeaders();
      await stallUntilClosed(res, ctx.state.closing);
      return true;
    }
    sendText(res, fault.status ?? 500, body, { 'content-type': String(contentType) });
    return true;
  }
  if (fault.malformedJson && !streaming) {
    sendText(res, 200, '{"rate_limit": {"allowed": true, <html>oops', { 'content-type': 'application/json' });
    return true;
  }
  return false;
}

/** The request handler: route lookup, bookkeeping (counters, in-flight, log), faults, then the route. */
export function createRequestListener(getState: () => SimState) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const state = getState();
    const url = new URL(req.url ?? '/', state.issuer);
    const handler = ROUTES[`${req.method} ${url.pathname}`] ?? notFoundRoute;
    const route = handler.route;
    state.counters.enter(route);

    let accountId: string | undefined;
    let body: unknown;
    res.once('close', () => {
      state.counters.leave(route);
      state.counters.record({
        route,
        method: req.method ?? 'GET',
        path: url.pathname + url.search,
        headers: lowercaseHeaders(req),
        body,
        ...(accountId !== undefined ? { accountId } : {}),
        status: res.headersSent ? res.statusCode : 0,
        at: state.clock.now(),
      });
    });

    void (async () => {
      try {
        const rawBody = await readRequestBody(req);
        body = parseRequestBody(rawBody, req.headers['content-type']);
        const ctx: RequestContext = { state, req, res, url, rawBody, body };
        accountId = handler.identify(ctx);
        state.counters.countRequest(route, accountId);
        const fault = FAULT_ROUTES.has(route) ? state.faults.take(route as FaultRoute, accountId) : undefined;
        if (fault && (await applyFaultPrelude(ctx, route, fault))) return;
        await handler.handle(ctx, fault);
      } catch (error) {
        if (!res.headersSent) {
          sendJson(res, 500, { error: { message: `simulator error: ${String(error)}`, type: 'server_error' } });
        } else {
          res.destroy();
        }
      }
    })();
  };
}
