import { z } from 'zod';
import { sendJson, sendText } from './http.js';
import { CLIENT_ID } from './routes-oauth.js';
import type { RouteHandler } from './route.js';
import { devicePage } from './sign-in-pages.js';

const UserCodeRequestSchema = z.looseObject({ client_id: z.string() });
const DeviceTokenRequestSchema = z.looseObject({ device_auth_id: z.string(), user_code: z.string() });

/** Real time between polls the client is told to keep; 1 s keeps device-flow tests quick. */
const POLL_INTERVAL_SECONDS = 1;

/** `POST /api/accounts/deviceauth/usercode`: starts a headless sign-in. */
export const userCodeRoute: RouteHandler = {
  route: 'usercode',
  identify: () => undefined,
  handle(ctx) {
    const parsed = UserCodeRequestSchema.safeParse(ctx.body);
    if (!parsed.success || parsed.data.client_id !== CLIENT_ID) {
      sendJson(ctx.res, 400, { error: 'invalid_client', error_description: 'A known client_id is required.' });
      return Promise.resolve();
    }
    const device = ctx.state.signIn.startDevice();
    sendJson(ctx.res, 200, {
      device_auth_id: device.deviceAuthId,
      user_code: device.userCode,
      // A string, as the real issuer sends it (PROTOCOL.md §8, "Error shapes"): clients must parse it.
      interval: String(POLL_INTERVAL_SECONDS),
    });
    return Promise.resolve();
  },
};

/** `POST /api/accounts/deviceauth/token`: polled until the user approves the code in a browser. */
export const deviceTokenRoute: RouteHandler = {
  route: 'device-token',
  identify(ctx) {
    const parsed = DeviceTokenRequestSchema.safeParse(ctx.body);
    return parsed.success ? ctx.state.signIn.accountOfDevice(parsed.data.device_auth_id) : undefined;
  },
  handle(ctx) {
    const { state, res } = ctx;
    const parsed = DeviceTokenRequestSchema.safeParse(ctx.body);
    if (!parsed.success) {
      sendJson(res, 400, { error: 'invalid_request', error_description: 'device_auth_id and user_code are required.' });
      return Promise.resolve();
    }
    const poll = state.signIn.pollDevice(parsed.data.device_auth_id, parsed.data.user_code, {
      autoApproveAfterPolls: state.autoApproveDeviceAfterPolls,
      signInAccount: state.signIn.accountId,
      redirectUri: `${state.issuer}/deviceauth/callback`,
      clientId: CLIENT_ID,
    });
    switch (poll.state) {
      case 'unknown':
        sendJson(res, 404, { error: 'device_auth_not_found', error_description: 'Unknown device_auth_id or user_code.' });
        return Promise.resolve();
      case 'pending':
        sendJson(res, 403, { error: 'authorization_pending' });
        return Promise.resolve();
      case 'approved':
        sendJson(res, 200, poll.grant);
        return Promise.resolve();
    }
    return Promise.resolve();
  },
};

const HTML = { 'content-type': 'text/html; charset=utf-8' };

/** `GET /codex/device`: where a person types the code shown in the terminal and picks the account that approves it. */
export const devicePageRoute: RouteHandler = {
  route: 'device-page',
  identify: () => undefined,
  handle(ctx) {
    sendText(ctx.res, 200, devicePage(ctx.state), HTML);
    return Promise.resolve();
  },
};

/** `POST /codex/device` (form: user_code, account_id): approves a pending device code, as the real page does after login. */
export const deviceApproveRoute: RouteHandler = {
  route: 'device-approve',
  identify: (ctx) => (ctx.body as { account_id?: string } | undefined)?.account_id,
  handle(ctx) {
    const { user_code: typed, account_id: accountId } = (ctx.body ?? {}) as { user_code?: string; account_id?: string };
    const userCode = (typed ?? '').trim().toUpperCase();
    if (!accountId || !ctx.state.accounts.has(accountId)) {
      sendText(ctx.res, 400, devicePage(ctx.state, { text: `Unknown account ${accountId ?? '(none chosen)'}.`, ok: false }), HTML);
      return Promise.resolve();
    }
    try {
      ctx.state.signIn.approveDevice(userCode, accountId);
    } catch {
      sendText(
        ctx.res,
        400,
        devicePage(ctx.state, { text: `No sign-in is waiting for the code ${userCode || '(empty)'}. Check it and try again.`, ok: false }),
        HTML,
      );
      return Promise.resolve();
    }
    sendText(ctx.res, 200, devicePage(ctx.state, { text: `Approved ${userCode} as ${accountId}. The terminal continues by itself.`, ok: true }), HTML);
    return Promise.resolve();
  },
};
