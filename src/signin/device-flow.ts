import { z } from 'zod';
import { exchangeCode } from './code-exchange.js';
import { DeviceCodeExpiredError, IssuerRequestError, SignInTimeoutError } from './errors.js';
import { CLIENT_ID } from '../tokens/oauth-client.js';
import type { Grant } from './grant.js';
import { describeErrorBody, issuerFetch, type FetchLike } from './issuer-http.js';

/** The device code lives 15 minutes at the issuer. */
const DEFAULT_DEVICE_TIMEOUT_MS = 15 * 60_000;

export interface DeviceSignInOptions {
  issuer: string;
  fetch?: FetchLike;
  /** Overrides the interval the issuer asks for (tests use a few ms). */
  pollIntervalMs?: number;
  /** Gives up after this long. Default {@link DEFAULT_DEVICE_TIMEOUT_MS}. */
  timeoutMs?: number;
}

export interface DeviceSignIn {
  /** The code the user types at {@link verificationUrl}. */
  userCode: string;
  verificationUrl: string;
  /** Polls until the code is approved, then exchanges it. */
  waitForTokens(): Promise<Grant>;
  /** Stops polling; {@link waitForTokens} rejects. */
  cancel(): void;
}

const UserCodeResponseSchema = z.looseObject({
  device_auth_id: z.string().min(1),
  user_code: z.string().min(1).optional(),
  usercode: z.string().min(1).optional(),
  interval: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
});

const DeviceTokenResponseSchema = z.looseObject({
  authorization_code: z.string().min(1),
  code_verifier: z.string().min(1),
});

/** The redirect URI the issuer ties device-flow codes to (PROTOCOL §4). */
function deviceRedirectUri(issuer: string): string {
  return `${issuer}/deviceauth/callback`;
}

/** Asks the issuer for a user code (PROTOCOL §4, headless sign-in). */
export async function startDeviceSignIn(options: DeviceSignInOptions): Promise<DeviceSignIn> {
  const issuer = options.issuer.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? fetch;
  const step = 'the device-code request';
  const response = await issuerFetch(fetchImpl, step, `${issuer}/api/accounts/deviceauth/usercode`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ client_id: CLIENT_ID }),
  });
  if (!response.ok) throw new IssuerRequestError(step, response.status, await describeErrorBody(response));
  const parsed = UserCodeResponseSchema.safeParse(await response.json().catch(() => undefined));
  const userCode = parsed.success ? (parsed.data.user_code ?? parsed.data.usercode) : undefined;
  if (!parsed.success || !userCode) throw new IssuerRequestError(step, response.status, 'the answer had no device code');
  const deviceAuthId = parsed.data.device_auth_id;
  const intervalMs = options.pollIntervalMs ?? Math.max(1, parsed.data.interval ?? 5) * 1_000;
  const timeoutMs = options.timeoutMs ?? DEFAULT_DEVICE_TIMEOUT_MS;

  const controller = new AbortController();
  const sleep = (ms: number) =>
    new Promise<void>((resolve, reject) => {
      if (controller.signal.aborted) return reject(controller.signal.reason as Error);
      const timer = setTimeout(resolve, ms);
      controller.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(controller.signal.reason as Error);
        },
        { once: true },
      );
    });

  const poll = async (): Promise<Grant> => {
    const deadline = Date.now() + timeoutMs;
    const pollStep = 'waiting for the device code to be approved';
    for (;;) {
      if (Date.now() > deadline) throw new SignInTimeoutError(timeoutMs);
      const answer = await issuerFetch(fetchImpl, pollStep, `${issuer}/api/accounts/deviceauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ device_auth_id: deviceAuthId, user_code: userCode }),
        signal: controller.signal,
      });
      if (answer.status === 403 || answer.status === 404) {
        await answer.body?.cancel().catch(() => undefined);
        await sleep(intervalMs);
        continue;
      }
      if (answer.status === 410) throw new DeviceCodeExpiredError(await describeErrorBody(answer));
      if (!answer.ok) throw new IssuerRequestError(pollStep, answer.status, await describeErrorBody(answer));
      const approved = DeviceTokenResponseSchema.safeParse(await answer.json().catch(() => undefined));
      if (!approved.success) throw new IssuerRequestError(pollStep, answer.status, 'the answer had no authorization code');
      return exchangeCode(
        issuer,
        { code: approved.data.authorization_code, redirectUri: deviceRedirectUri(issuer), codeVerifier: approved.data.code_verifier },
        { fetch: fetchImpl },
      );
    }
  };

  let tokens: Promise<Grant> | undefined;
  return {
    userCode,
    verificationUrl: `${issuer}/codex/device`,
    waitForTokens: () => (tokens ??= poll()),
    cancel: () => controller.abort(new Error('The sign-in was cancelled.')),
  };
}
