import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimAccount } from './accounts.js';
import type { SimFamily } from './families.js';
import type { CounterBook } from './counters.js';
import type { FaultTable } from './faults.js';
import type { SignInBook } from './sign-in-book.js';
import type { TokenAuthority } from './token-authority.js';
import type { SimClock, SimTokenAnswer, UsageRouteMode } from './types.js';

/** Everything the routes share. One per simulator instance; nothing lives at module level. */
export interface SimState {
  clock: SimClock;
  issuer: string;
  accounts: Map<string, SimAccount>;
  tokens: TokenAuthority;
  faults: FaultTable;
  counters: CounterBook;
  signIn: SignInBook;
  usageModes: Record<'codex' | 'wham', UsageRouteMode>;
  /** Usage calls currently being served, per client address (for the burst limit). */
  usageActive: Map<string, number>;
  usageBurstLimit: number;
  usageLatencyMs: number;
  autoApproveDeviceAfterPolls: number | undefined;
  /** Whether /oauth/authorize shows the account choice page (see SimulatorOptions.signInPage). */
  signInPage: boolean;
  bulkChunk: string;
  /** Callback ports /oauth/authorize accepts (SimulatorOptions.redirectPorts). */
  redirectPorts: readonly number[];
  refreshErrorStyle: 'envelope' | 'oauth';
  /** Aborted on close so pending delays end. */
  closing: AbortSignal;
  /** Told when a refresh answer has left the issuer (see Simulator.onRefreshAnswer). */
  refreshAnswerListeners: Set<(answer: SimTokenAnswer) => void>;
}

/** One request on its way through the simulator. */
export interface RequestContext {
  state: SimState;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  rawBody: Buffer;
  body: unknown;
}

export function requireAccount(state: SimState, accountId: string): SimAccount {
  const account = state.accounts.get(accountId);
  if (!account) throw new Error(`simulator: unknown account ${accountId}`);
  return account;
}

export function requireFamily(state: SimState, accountId: string, familyId: string): SimFamily {
  const family = requireAccount(state, accountId).families.find((candidate) => candidate.id === familyId);
  if (!family) throw new Error(`simulator: account ${accountId} has no limit family ${familyId}`);
  return family;
}
