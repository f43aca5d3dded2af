/**
 * Public shapes of the Codex backend simulator. Other test suites and the benchmark build against
 * these, so fields are only ever added, never changed.
 */

export interface SimAccountSpec {
  /** The `chatgpt_account_id` claim; also what `ChatGPT-Account-Id` must carry. */
  accountId: string;
  /** Default `user-${accountId}`. */
  userId?: string;
  /** Default `${accountId}@example.test`. */
  email?: string;
  /** Default 'plus'. */
  plan?: string;
  /** Which window is REPORTED as primary (headers and usage replies). Default 'fiveHour'. */
  primaryWindow?: 'fiveHour' | 'weekly';
  /** Starting usage in percent used. Default 0. */
  fiveHourUsedPercent?: number;
  /** Default 0. */
  weeklyUsedPercent?: number;
  /** Percent used per successful /codex/responses. Default `{ fiveHour: 1, weekly: 0.2 }`. */
  costPerRequest?: { fiveHour?: number; weekly?: number };
  /** Requests for these models answer 400 "model is not supported when using Codex with a ChatGPT account". */
  unsupportedModels?: string[];
  /** Every backend route answers 402 `{"detail":{"code":"deactivated_workspace"}}`. */
  deactivated?: boolean;
}

export interface SimTokens {
  access_token: string;
  refresh_token: string;
  id_token: string;
  expires_in: number;
}

export type FaultRoute = 'responses' | 'codex-usage' | 'wham-usage' | 'token' | 'usercode' | 'device-token';

/** Route names used by counters and the log: the fault routes plus the sign-in pages. */
export type SimRoute = FaultRoute | 'authorize' | 'authorize-choice' | 'device-page' | 'device-approve' | 'unknown';

export interface FaultRule {
  route: FaultRoute;
  /** Only requests of this account (by token, refresh token or code); omit = all. */
  accountId?: string;
  /** How many requests it applies to; omit = until cleared. */
  times?: number;
  /** Answer with this instead (status defaults to 500, body to a JSON error). `headers` alone are added to the normal answer. */
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** Wait this long (real time) before sending headers, then proceed normally or with status/body. */
  delayHeadersMs?: number;
  /** responses: wait this long (real time) between SSE events. */
  delayBodyMs?: number;
  /** responses: destroy the socket after a few SSE events. Other routes: destroy it before answering. */
  resetMidStream?: boolean;
  /** 200 with a body that is not JSON (responses: an SSE event whose data is not JSON). */
  malformedJson?: boolean;
  /** responses: emit `response.failed` after the first delta and end the stream. */
  responseFailed?: boolean;
  /** 403 Cloudflare challenge: HTML body and `cf-mitigated: challenge`. */
  challenge?: boolean;
}

export type UsageRouteMode = 'ok' | '403-json' | '403-challenge' | '404' | '500';

export interface SimUsage {
  fiveHourUsedPercent: number;
  weeklyUsedPercent: number;
  /** Epoch ms. */
  fiveHourResetsAt: number;
  /** Epoch ms. */
  weeklyResetsAt: number;
}

export interface SimLogEntry {
  route: string;
  method: string;
  path: string;
  /** Lowercased names. */
  headers: Record<string, string>;
  /** Parsed JSON (or form fields as an object); undefined when there was none or it did not parse. */
  body: unknown;
  accountId?: string;
  status: number;
  /** Sim clock, epoch ms, when the answer finished. */
  at: number;
}

export interface SimClock {
  /** Epoch ms. */
  now(): number;
  advance(ms: number): void;
  set(ms: number): void;
}

export interface SimCounters {
  /** Route names as in FaultRule.route, plus 'authorize' and 'device-page'. */
  requests(route: string, accountId?: string): number;
  maxInFlight(route: string): number;
  inFlight(route: string): number;
  /** Successful refresh_token grants. */
  refreshes(accountId: string): number;
  /** refresh_token_reused answers. */
  reuseEvents(accountId: string): number;
  reset(): void;
}

export interface Simulator {
  /** http://127.0.0.1:PORT */
  url: string;
  /** `${url}/backend-api`, what OPENCODE_MULTI_AUTH_CODEX_BASE_URL is set to. */
  baseUrl: string;
  /** `${url}`, what OPENCODE_MULTI_AUTH_AUTH_ISSUER is set to. */
  issuer: string;
  /** Used for token exp, quota windows and resets. */
  clock: SimClock;
  addAccount(spec: SimAccountSpec): void;
  /** Mints a new token family for the account (as a completed sign-in would) and returns it. */
  issueTokens(accountId: string): SimTokens;
  setUsage(accountId: string, usage: { fiveHourUsedPercent?: number; weeklyUsedPercent?: number }): void;
  usage(accountId: string): SimUsage;
  /** How the two usage routes answer. Default both 'ok'. */
  setUsageRoute(route: 'codex' | 'wham', mode: UsageRouteMode): void;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  /** Which account the next /oauth/authorize or approved device code signs in as. */
  setSignInAccount(accountId: string): void;
  /** Device flow: mark a pending user code approved (signs in as the sign-in account). */
  approveDeviceCode(userCode: string): void;
  /** Revokes every token of the account (as a password change or a "log out everywhere" would). */
  revokeAccountTokens(accountId: string): void;
  counters: SimCounters;
  /** The last 1000 requests, oldest first. */
  log: SimLogEntry[];
  close(): Promise<void>;
}

export interface SimulatorOptions {
  accounts?: SimAccountSpec[];
  /** Default 3600. */
  accessTokenLifetimeSeconds?: number;
  /** Sim clock start, epoch ms. Default: the real time. */
  startTime?: number;
  /**
   * By default the sim clock flows with real time from its start (so a token with a 60 s lifetime
   * really expires in the CLI demo); `advance`/`set` shift it. `true` stops it: only `advance`/`set` move it.
   */
  freezeClock?: boolean;
  /** Max usage calls in flight per client before extra ones get a challenge. Default unlimited. */
  usageBurstLimit?: number;
  /** Real-time delay on usage routes, so concurrency is observable. Default 0. */
  usageLatencyMs?: number;
  /** Device flow: after this many pending polls of a code, it approves itself. Default: never. */
  autoApproveDeviceAfterPolls?: number;
  /**
   * Browser sign-in: show a page at /oauth/authorize where a person picks the account, as the real
   * issuer shows its login page. Default false: the sign-in completes at once as the sign-in account.
   */
  signInPage?: boolean;
  /** Default 0 (a random free port). */
  port?: number;
  /** Size of one delta in the SIM_BYTES bulk mode. Default 16 KiB. */
  bulkChunkBytes?: number;
}
