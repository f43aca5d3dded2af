import { z } from 'zod';

const AUTH_CLAIM = 'https://api.openai.com/auth';
const PROFILE_CLAIM = 'https://api.openai.com/profile';

const ClaimsSchema = z.looseObject({
  exp: z.number().optional().catch(undefined),
  email: z.string().optional().catch(undefined),
  chatgpt_account_id: z.string().optional().catch(undefined),
  chatgpt_plan_type: z.string().optional().catch(undefined),
  chatgpt_user_id: z.string().optional().catch(undefined),
  user_id: z.string().optional().catch(undefined),
  organizations: z
    .array(z.looseObject({ id: z.string().optional().catch(undefined) }))
    .optional()
    .catch(undefined),
  [AUTH_CLAIM]: z
    .looseObject({
      chatgpt_account_id: z.string().optional().catch(undefined),
      chatgpt_plan_type: z.string().optional().catch(undefined),
      chatgpt_user_id: z.string().optional().catch(undefined),
      user_id: z.string().optional().catch(undefined),
    })
    .optional()
    .catch(undefined),
  [PROFILE_CLAIM]: z
    .looseObject({ email: z.string().optional().catch(undefined) })
    .optional()
    .catch(undefined),
});

/** What the plugin needs to know about an account, read from its id or access token. */
export interface TokenIdentity {
  chatgptAccountId?: string;
  userId?: string;
  email?: string;
  plan?: string;
  /** Expiry in epoch milliseconds. */
  expiresAt?: number;
}

/** Decodes a JWT payload without verifying it (the issuer verifies; we only read claims). */
export function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length < 2 || !parts[1]) return undefined;
  try {
    const json = Buffer.from(parts[1], 'base64url').toString('utf8');
    const value: unknown = JSON.parse(json);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function readTokenIdentity(token: string | undefined): TokenIdentity {
  if (!token) return {};
  const payload = decodeJwtPayload(token);
  if (!payload) return {};
  const claims = ClaimsSchema.parse(payload);
  const auth = claims[AUTH_CLAIM];
  const identity: TokenIdentity = {
    chatgptAccountId: auth?.chatgpt_account_id ?? claims.chatgpt_account_id ?? claims.organizations?.[0]?.id,
    userId: auth?.chatgpt_user_id ?? auth?.user_id ?? claims.chatgpt_user_id ?? claims.user_id,
    email: claims[PROFILE_CLAIM]?.email ?? claims.email,
    plan: auth?.chatgpt_plan_type ?? claims.chatgpt_plan_type,
    expiresAt: claims.exp !== undefined ? claims.exp * 1_000 : undefined,
  };
  return identity;
}

/** Identity from an id token and access token together: each fills what the other lacks. */
export function readIdentity(tokens: { idToken?: string; accessToken?: string }): TokenIdentity {
  const fromId = readTokenIdentity(tokens.idToken);
  const fromAccess = readTokenIdentity(tokens.accessToken);
  return {
    chatgptAccountId: fromAccess.chatgptAccountId ?? fromId.chatgptAccountId,
    userId: fromAccess.userId ?? fromId.userId,
    email: fromId.email ?? fromAccess.email,
    plan: fromAccess.plan ?? fromId.plan,
    expiresAt: fromAccess.expiresAt,
  };
}

/**
 * Where a workspace's requests must be routed (PROTOCOL.md §8, "Residency and FedRAMP"): its region,
 * sent as `x-openai-internal-codex-residency`, and whether it is a FedRAMP workspace
 * (`X-OpenAI-Fedramp: true`). Each account has its own; never one value for all.
 */
export interface WorkspaceRouting {
  /** Absent for `no_constraint` or no claim: then no header is sent. */
  residency?: string;
  fedramp: boolean;
}

/** A residency value that can go into a header as is (the claim comes from a token we only decode). */
const HEADER_SAFE = /^[A-Za-z0-9._-]{1,64}$/;

function residencyOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '' || trimmed === 'no_constraint' || !HEADER_SAFE.test(trimmed)) return undefined;
  return trimmed;
}

/**
 * The routing claims of one token: the data residency, else the compute residency (the order the
 * independent clients use; both name the workspace's region), and the FedRAMP flag.
 */
export function readWorkspaceRouting(token: string | undefined): WorkspaceRouting {
  const payload = token ? decodeJwtPayload(token) : undefined;
  if (!payload) return { fedramp: false };
  // Read by hand rather than through ClaimsSchema: this runs for every request sent.
  const auth = payload[AUTH_CLAIM];
  if (!auth || typeof auth !== 'object') return { fedramp: false };
  const claims = auth as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const residency = residencyOf(text(claims.chatgpt_data_residency)) ?? residencyOf(text(claims.chatgpt_compute_residency));
  return { ...(residency ? { residency } : {}), fedramp: claims.chatgpt_account_is_fedramp === true };
}

/** The routing of an account's token set: the access token's claims, the id token's where those are silent. */
export function readAccountRouting(tokens: { accessToken?: string; idToken?: string }): WorkspaceRouting {
  const access = readWorkspaceRouting(tokens.accessToken);
  if (access.residency !== undefined && access.fedramp) return access;
  const id = readWorkspaceRouting(tokens.idToken);
  const residency = access.residency ?? id.residency;
  return { ...(residency ? { residency } : {}), fedramp: access.fedramp || id.fedramp };
}

/** The headers that route a request to the workspace's region; none for an unconstrained workspace. */
export function workspaceRoutingHeaders(routing: WorkspaceRouting): Record<string, string> {
  const headers: Record<string, string> = {};
  if (routing.residency !== undefined) headers['x-openai-internal-codex-residency'] = routing.residency;
  if (routing.fedramp) headers['x-openai-fedramp'] = 'true';
  return headers;
}
