import { authenticateBackend, claimedBackendAccount } from './backend-auth.js';
import { delay, sendChallenge, sendJson } from './http.js';
import { usageReply } from './quota-replies.js';
import type { RouteHandler } from './route.js';
import type { RequestContext } from './state.js';

/**
 * `GET /backend-api/codex/usage` and `/wham/usage`. Which of them works differs between reports
 * (PROTOCOL.md §3), so each can be switched to fail; a burst of concurrent calls from one client
 * draws Cloudflare challenges, as lock-step polling does in production.
 */
function usageRoute(which: 'codex' | 'wham'): RouteHandler {
  return {
    route: which === 'codex' ? 'codex-usage' : 'wham-usage',
    identify: claimedBackendAccount,
    async handle(ctx: RequestContext) {
      const { state, res } = ctx;
      const client = ctx.req.socket.remoteAddress ?? 'unknown';
      const active = state.usageActive.get(client) ?? 0;
      if (active >= state.usageBurstLimit) {
        sendChallenge(res);
        return;
      }
      state.usageActive.set(client, active + 1);
      try {
        await delay(state.usageLatencyMs, state.closing);
        switch (state.usageModes[which]) {
          case '403-json':
            sendJson(res, 403, { detail: 'Forbidden' });
            return;
          case '403-challenge':
            sendChallenge(res);
            return;
          case '404':
            sendJson(res, 404, { detail: 'Not Found' });
            return;
          case '500':
            sendJson(res, 500, { detail: 'Internal Server Error' });
            return;
          case 'ok':
            break;
        }
        const account = authenticateBackend(ctx);
        if (!account) return;
        sendJson(res, 200, usageReply(account, state.clock.now()));
      } finally {
        state.usageActive.set(client, (state.usageActive.get(client) ?? 1) - 1);
      }
    },
  };
}

export const codexUsageRoute = usageRoute('codex');
export const whamUsageRoute = usageRoute('wham');
