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
