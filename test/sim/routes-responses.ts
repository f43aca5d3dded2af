import { z } from 'zod';
import { authenticateBackend, claimedBackendAccount } from './backend-auth.js';
import type { FaultEffect } from './faults.js';
import { delay, sendJson, stallUntilClosed, writeChunk } from './http.js';
import { sendModelNotSupported } from './catalog.js';
import { familyOfModel } from './families.js';
import { isLimitReached, rateLimitHeaders, usageLimitBody } from './quota-replies.js';
import { accountOfEncryptedContent, errorEvent, incompleteEvent, responseEvents } from './response-stream.js';
import type { RouteHandler } from './route.js';
import type { RequestContext } from './state.js';

/**
 * Parameters the Codex backend rejects by name with 400 `{"detail":"Unsupported parameter: <name>"}`
 * (PROTOCOL.md §8, "Error shapes"); OpenCode's built-in plugin strips them for this reason.
 */
const UNSUPPORTED_PARAMETERS = [
  'max_output_tokens',
  'max_completion_tokens',
  'max_tokens',
  'temperature',
  'top_p',
  'frequency_penalty',
  'presence_penalty',
] as const;

/** Events written before a `resetMidStream` fault cuts the connection. */
const EVENTS_BEFORE_RESET = 3;

const ResponsesBodySchema = z.looseObject({
  model: z.string().min(1),
  stream: z.unknown(),
  store: z.unknown(),
  input: z.unknown().optional(),
  include: z.array(z.string()).optional().catch(undefined),
});
type ResponsesBody = z.infer<typeof ResponsesBodySchema>;

function invalidRequest(message: string, extra: Record<string, unknown> = {}) {
  return { error: { message, type: 'invalid_request_error', ...extra } };
}

/** Reasoning items replayed from another account cannot be decrypted by this one. */
function foreignEncryptedContent(input: unknown, accountId: string): boolean {
  if (!Array.isArray(input)) return false;
  return input.some((item: unknown) => {
    if (!item || typeof item !== 'object') return false;
    const { type, encrypted_content: encrypted } = item as Record<string, unknown>;
    if (type !== 'reasoning' || typeof encrypted !== 'string') return false;
    return accountOfEncryptedContent(encrypted) !== accountId;
  });
}

function requestedBulkBytes(input: unknown): number {
  if (input === undefined) return 0;
  const match = /SIM_BYTES=(\d+)/.exec(typeof input === 'string' ? input : JSON.stringify(input));
  return match ? Number(match[1]) : 0;
}

export const responsesRoute: RouteHandler = {
  route: 'responses',
  identify: claimedBackendAccount,
  async handle(ctx: RequestContext, fault: FaultEffect | undefined) {
    const { state, res } = ctx;
    const account = authenticateBackend(ctx);
    if (!account) return;
    const accountId = account.identity.accountId;

    if (!ctx.body || typeof ctx.body !== 'object' || Array.isArray(ctx.body)) {
      sendJson(res, 400, { detail: 'Request body must be a JSON object' });
      return;
    }
    const raw = ctx.body as Record<string, unknown>;
    const unsupported = UNSUPPORTED_PARAMETERS.find((name) => name in raw);
    if (unsupported) {
      sendJson(res, 400, { detail: `Unsupported parameter: ${unsupported}` });
      return;
    }
    const parsed = ResponsesBodySchema.safeParse(raw);
    if (!parsed.success) {
      sendJson(res, 400, invalidRequest('Missing required parameter: model', { param: 'model' }));
      return;
    }
    const body: ResponsesBody = parsed.data;
    if (body.stream !== true) {
      sendJson(res, 400, { detail: 'Stream must be set to true' });
      return;
    }
    if (body.store !== false) {
      sendJson(res, 400, { detail: 'Store must be set to false' });
      return;
    }
    // A model outside the account's own catalog is refused like an unsupported one (PROTOCOL.md §8),
    // as a bare `detail` string, not the OpenAI error envelope ("Error shapes").
    if (account.unsupportedModels.has(body.model) || !account.catalog.some((entry) => entry.slug === body.model)) {
      sendModelNotSupported(res, body.model);
      return;
    }
    if (foreignEncryptedContent(body.input, accountId)) {
      sendJson(res, 400, {
        error: {
          code: 'invalid_encrypted_content',
          message: 'The encrypted content could not be verified. organization_id did not match.',
          type: 'invalid_request_error',
        },
      });
      return;
    }

    // A family's model spends the family's quota; the account-wide limit (its windows and the spend
    // controls behind `allowed: false`) still applies to it (the stricter reading: nothing says a
    // family frees a model from the account's own limit).
    const family = familyOfModel(account.families, body.model);
    const accountOut = isLimitReached(account);
    const familyOut = !accountOut && family !== undefined && family.quota.blockingWindow() !== undefined;
    if (accountOut || familyOut) {
      const now = state.clock.now();
      const active = familyOut ? family : undefined;
      sendJson(res, 429, usageLimitBody(account, now, active?.quota), rateLimitHeaders(account, now, active));
      return;
    }

    if (family) family.quota.charge(family.cost);
    else account.quota.charge(account.cost);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-request-id': `req_${Math.random().toString(36).slice(2)}`,
      ...rateLimitHeaders(account, state.clock.now(), family),
    });
    res.flushHeaders();

    const events = responseEvents({
      accountId,
      model: body.model,
      createdAt: Math.floor(state.clock.now() / 1000),
      includeEncryptedReasoning: body.include?.includes('reasoning.encrypted_content') ?? false,
      bulkBytes: requestedBulkBytes(body.input),
      bulkChunk: state.bulkChunk,
      failAfterFirstDelta: fault?.responseFailed ?? false,
      malformed: fault?.malformedJson ?? false,
      inputTokens: Math.max(1, Math.ceil(ctx.rawBody.length / 4)),
    });

    let written = 0;
    for (const event of events) {
      if (fault?.stallAfterEvents === written) {
        await stallUntilClosed(res, state.closing);
        return;
      }
      if (fault?.endAfterEvents === written) {
        res.end();
        return;
      }
      if (fault?.errorEvent && (fault.errorEvent.afterEvents ?? 0) === written) {
        res.end(errorEvent(fault.errorEvent.code, fault.errorEvent.message ?? `Simulated ${fault.errorEvent.code}`, written));
        return;
      }
      if (fault?.incomplete && (fault.incomplete.afterEvents ?? 2) === written) {
        res.end(incompleteEvent(body.model, fault.incomplete.reason, written));
        return;
      }
      if (written > 0 && fault?.delayBodyMs) await delay(fault.delayBodyMs, state.closing);
      if (fault?.resetMidStream && written === EVENTS_BEFORE_RESET) {
        // Cut the TCP connection without a final chunk, as a dropped proxy connection does.
        ctx.req.socket.destroy();
        return;
      }
      if (fault?.resetMidStream && written === EVENTS_BEFORE_RESET - 1) {
        // Make sure the events before the cut really reach the client.
        await new Promise<void>((resolve) => res.write(event, () => resolve()));
      } else if (!(await writeChunk(res, event))) {
        return;
      }
      written += 1;
    }
    res.end();
  },
};
