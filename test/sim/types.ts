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
  /**
   * The `chatgpt_compute_residency` claim of the access token (e.g. `us`, `no_constraint`). A value
   * other than `no_constraint` makes every backend route refuse requests without
   * `x-openai-internal-codex-residency: <value>` (PROTOCOL.md §8).
   */
  computeResidency?: string;
  /** The `chatgpt_data_residency` claim; enforced like `computeResidency`. */
  dataResidency?: string;
  /** The `chatgpt_account_is_fedramp` claim: every backend route then needs `X-OpenAI-Fedramp: true`. */
  fedramp?: boolean;
  /**
   * Which windows the plan has and how they are reported (PROTOCOL.md §8, "Window shapes seen in 2026"):
   * - `five-hour-and-weekly` (default): Plus/Pro, a 5 h and a weekly window (order from `primaryWindow`);
   * - `weekly-only`: the weekly window as primary, `secondary_window: null`, no secondary headers;
   * - `weekly-only-zero-secondary`: the same, but the secondary is reported with `limit_window_seconds: 0`
   *   and an empty `reset_at`;
   * - `free-monthly`: the free plan's single 30-day primary window, no secondary.
   */
  usageShape?: 'five-hour-and-weekly' | 'weekly-only' | 'weekly-only-zero-secondary' | 'free-monthly';
  /** Starting usage of the 30-day window (free plans). Default 0. */
  monthlyUsedPercent?: number;
  /**
   * The account cannot serve whatever its windows say (spend controls, workspace caps): the usage
   * reply carries `allowed: false`, `limit_reached: true` and `rate_limit_reached_type: {type}`, and
   * /codex/responses answers 429 `usage_limit_reached` (PROTOCOL.md §8, "Usage flags").
   */
  limitReachedType?: string;
  /** `credits` of the usage reply and the `x-codex-credits-*` headers. Default none. */
  credits?: { hasCredits: boolean; unlimited?: boolean; balance: string };
  /** How a 429 `usage_limit_reached` says when the limit resets: `resets_at` (default) or the older `resets_in_seconds`. */
  quotaResetField?: 'resets_at' | 'resets_in_seconds';
  /**
   * Limit families: limits of their own over some models (PROTOCOL.md §8). Default: one family,
   * {@link DEFAULT_SIM_FAMILY} (`codex_bengalfox`, "GPT-5.3-Codex-Spark", over `gpt-5.3-codex-spark`),
   * as live captures show on paid accounts. `[]` for none.
   */
  families?: SimFamilySpec[];
  /**
   * The account's model catalog, as `GET /codex/models` answers it; a model request for a slug not
   * in it is refused. Default {@link DEFAULT_SIM_CATALOG}. A bare string is a listed model with defaults.
   */
  catalog?: Array<string | SimCatalogModel>;
}

export interface SimFamilySpec {
  /** The limit id (`metered_feature`, `x-codex-active-limit`), e.g. `codex_bengalfox`. */
  id: string;
  /** Display name (`limit_name`, `x-<id>-limit-name`), e.g. `GPT-5.3-Codex-Spark`. */
  limitName: string;
  /** The model slugs this limit covers. */
  models: string[];
  /** Default 0. */
  fiveHourUsedPercent?: number;
  /** Default 0. */
  weeklyUsedPercent?: number;
  /** Default 0; counts only on a `free-monthly` account (a family has its account's windows). */
  monthlyUsedPercent?: number;
  /** Percent used per successful request of one of its models. Default `{ fiveHour: 1, weekly: 0.2 }`. */
  costPerRequest?: { fiveHour?: number; weekly?: number };
}

/** One entry of `GET /codex/models` (the fields clients read; the real reply carries more). */
export interface SimCatalogModel {
  slug: string;
  /** Default: the slug. */
  display_name?: string;
  /** Default 272000. */
  context_window?: number;
  /** Default 'list'. */
  visibility?: 'list' | 'hide';
  /** Default low, medium, high. */
  supported_reasoning_levels?: Array<{ effort: string; description: string }>;
}

export interface SimTokens {
  access_token: string;
  refresh_token: string;
  id_token: string;
  expires_in: number;
}

export type FaultRoute = 'responses' | 'codex-usage' | 'wham-usage' | 'codex-models' | 'token' | 'usercode' | 'device-token';

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
  /**
   * With `status`/`body`: send the headers, then hold the body back until the client gives up (a
   * 429 or 5xx whose body never comes, as a stuck proxy does).
   */
  stallBody?: boolean;
  /**
   * responses: after this many SSE events, go silent with the connection open until the client
   * gives up. 0 stalls before the first event. (The codex CLI gives a stream 300 s of silence
   * before it calls it dead, codex-rs `stream_idle_timeout_ms`: silence is a failure it expects.)
   */
  stallAfterEvents?: number;
  /**
   * responses: after this many SSE events, end the stream cleanly without a terminal event. A
   * stream that closes before `response.completed` is a failure, not an answer (PROTOCOL.md §8;
   * codex-rs: "stream closed before response.completed").
   */
  endAfterEvents?: number;
  /**
   * responses: a top-level `{"type":"error","code","message"}` event after `afterEvents` events
   * (default 0: the first event), then the end of the stream (PROTOCOL.md §8: the real backend
   * sends these, e.g. with `usage_limit_reached` or `server_is_overloaded`).
   */
  errorEvent?: { code: string; message?: string; afterEvents?: number };
  /**
   * responses: `response.incomplete` with this reason after `afterEvents` events (default 2: after
   * `response.created` and `response.in_progress`, before any output), then the end of the stream
   * (PROTOCOL.md §8; codex-rs treats it as a failed turn).
   */
  incomplete?: { reason: string; afterEvents?: number };
}

export type UsageRouteMode = 'ok' | '403-json' | '403-challenge' | '404' | '500';

export interface SimUsage {
  fiveHourUsedPercent: number;
  weeklyUsedPercent: number;
  /** Epoch ms. */
  fiveHourResetsAt: number;
  /** Epoch ms. */
  weeklyResetsAt: number;
  /** The 30-day window (enforced for `usageShape: 'free-monthly'` only). */
  monthlyUsedPercent: number;
  /** Epoch ms. */
  monthlyResetsAt: number;
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

/** A refresh answer that has left the issuer. */
export interface SimTokenAnswer {
  accountId: string;
  /** 200 for a rotation; 401 for `refresh_token_reused` and friends. */
  status: number;
  /**
   * Wall-clock epoch ms (sub-millisecond, `performance.timeOrigin + performance.now()`) when the last
   * byte was handed to the socket: comparable with the same reading taken in another process.
   */
  lastByteAt: number;
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
  setUsage(accountId: string, usage: { fiveHourUsedPercent?: number; weeklyUsedPercent?: number; monthlyUsedPercent?: number }): void;
  usage(accountId: string): SimUsage;
  /** Sets a limit family's usage on one account (the family must exist on it). */
  setFamilyUsage(accountId: string, familyId: string, usage: { fiveHourUsedPercent?: number; weeklyUsedPercent?: number; monthlyUsedPercent?: number }): void;
  familyUsage(accountId: string, familyId: string): SimUsage;
  /** Replaces an account's model catalog (a rollout): its ETag changes with it. */
  setCatalog(accountId: string, catalog: Array<string | SimCatalogModel>): void;
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
  /**
   * Calls `listener` the moment each refresh_token answer has been sent, so a test can kill the
   * client right as the answer arrives, or time how long the client takes to save it. Returns an unsubscribe.
   */
  onRefreshAnswer(listener: (answer: SimTokenAnswer) => void): () => void;
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
  /**
   * Ports whose `http://localhost:<port>/auth/callback` /oauth/authorize accepts as redirect URI.
   * Default [1455, 1457], the only two the real client id is registered with (PROTOCOL.md §8); any
   * other redirect gets the issuer's generic `unknown_error` page and no redirect. Tests that run
   * in parallel may allow other ports deliberately.
   */
  redirectPorts?: number[];
  /**
   * The body of a refused refresh: `envelope` (default) answers `refresh_token_reused`/`_invalidated`
   * as `{"error":{"code","message"}}`; `oauth` as `{"error":"<code>","error_description"}`. An unknown
   * refresh token is always the bare OAuth `{"error":"invalid_grant"}` (PROTOCOL.md §8, "Error shapes").
   */
  refreshErrorStyle?: 'envelope' | 'oauth';
}
