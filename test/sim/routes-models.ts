import { authenticateBackend, claimedBackendAccount } from './backend-auth.js';
import { catalogReply, etagMatches } from './catalog.js';
import { sendJson } from './http.js';
import type { RouteHandler } from './route.js';
import type { RequestContext } from './state.js';

/**
 * `GET /backend-api/codex/models?client_version=<semver>`: the account's own catalog, with an ETag;
 * `If-None-Match` with the current one answers 304 with no body. The codex CLI always sends
 * `client_version` (PROTOCOL.md §8 calls it required); without it the answer is a 400 `detail`, the
 * backend's usual shape for a bad request (the exact wording is not known).
 */
export const codexModelsRoute: RouteHandler = {
  route: 'codex-models',
  identify: claimedBackendAccount,
  handle(ctx) {
    sendCatalog(ctx);
    return Promise.resolve();
  },
};

/** The whole answer is known at once: nothing here waits. */
function sendCatalog(ctx: RequestContext): void {
  const { res } = ctx;
  const account = authenticateBackend(ctx);
  if (!account) return;
  const clientVersion = ctx.url.searchParams.get('client_version');
  if (!clientVersion || !/^\d+\.\d+\.\d+/.test(clientVersion)) {
    sendJson(res, 400, { detail: 'client_version is required (a semantic version, e.g. 0.169.0)' });
    return;
  }
  const ifNoneMatch = ctx.req.headers['if-none-match'];
  if (etagMatches(typeof ifNoneMatch === 'string' ? ifNoneMatch : undefined, account.catalogEtag)) {
    res.writeHead(304, { etag: account.catalogEtag });
    res.end();
    return;
  }
  sendJson(res, 200, catalogReply(account.catalog), { etag: account.catalogEtag });
}
