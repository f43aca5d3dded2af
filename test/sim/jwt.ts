import { randomId } from './ids.js';

const AUTH_CLAIM = 'https://api.openai.com/auth';
const PROFILE_CLAIM = 'https://api.openai.com/profile';

export interface JwtIdentity {
  accountId: string;
  userId: string;
  email: string;
  plan: string;
  /** `chatgpt_compute_residency`, `chatgpt_data_residency`, `chatgpt_account_is_fedramp` (PROTOCOL.md §8). */
  computeResidency?: string;
  dataResidency?: string;
  fedramp?: boolean;
}

/** An unsigned JWT (alg none): the plugin only reads claims, so a signature would prove nothing here. */
export function encodeUnsignedJwt(payload: Record<string, unknown>): string {
  const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${header}.${body}.`;
}

function authClaim(identity: JwtIdentity): Record<string, string> {
  return {
    chatgpt_account_id: identity.accountId,
    chatgpt_plan_type: identity.plan,
    chatgpt_user_id: identity.userId,
    user_id: identity.userId,
  };
}

/**
 * The workspace's region and FedRAMP claims. Live captures published by independent clients show
 * them in the access token's auth claim only, not the id token's, so that is the one place they go.
 */
function workspaceClaims(identity: JwtIdentity): Record<string, string | boolean> {
  const claims: Record<string, string | boolean> = {};
  if (identity.computeResidency !== undefined) claims.chatgpt_compute_residency = identity.computeResidency;
  if (identity.dataResidency !== undefined) claims.chatgpt_data_residency = identity.dataResidency;
  if (identity.fedramp !== undefined) claims.chatgpt_account_is_fedramp = identity.fedramp;
  return claims;
}

/** Claims as PROTOCOL.md §4 describes them; the `jti` makes every token distinct even within one second. */
export function accessTokenClaims(identity: JwtIdentity, issuedAtSeconds: number, expSeconds: number, issuer: string) {
  return {
    iss: issuer,
    aud: ['https://api.openai.com/v1'],
    sub: identity.userId,
    iat: issuedAtSeconds,
    nbf: issuedAtSeconds,
    exp: expSeconds,
    jti: randomId('jti_', 12),
    scp: ['openid', 'profile', 'email', 'offline_access'],
    [AUTH_CLAIM]: { ...authClaim(identity), ...workspaceClaims(identity) },
    [PROFILE_CLAIM]: { email: identity.email, email_verified: true },
  };
}

export function idTokenClaims(identity: JwtIdentity, issuedAtSeconds: number, expSeconds: number, issuer: string) {
  return {
    iss: issuer,
    aud: ['app_EMoamEEZ73f0CkXaXp7hrann'],
    sub: identity.userId,
    iat: issuedAtSeconds,
    exp: expSeconds,
    jti: randomId('jti_', 12),
    email: identity.email,
    email_verified: true,
    [AUTH_CLAIM]: { ...authClaim(identity), organizations: [{ id: `org-${identity.accountId}`, is_default: true }] },
    [PROFILE_CLAIM]: { email: identity.email },
  };
}
