import { z } from 'zod';

/** The token set a sign-in ends with, as the issuer's `/oauth/token` returns it (camel-cased). */
export interface Grant {
  accessToken: string;
  refreshToken: string;
  idToken?: string;
  /** Seconds until the access token expires, when the issuer says. */
  expiresIn?: number;
}

export const TokenResponseSchema = z
  .looseObject({
    access_token: z.string().min(1),
    refresh_token: z.string().min(1),
    id_token: z.string().optional(),
    expires_in: z.number().optional(),
  })
  .transform(
    (body): Grant => ({
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      idToken: body.id_token,
      expiresIn: body.expires_in,
    }),
  );

/** The issuer's client id for the Codex CLI, which this plugin signs in as (PROTOCOL §4). */
export const CODEX_CLIENT_ID = 'app_EMoamEEZ73f0CkXaXp7hrann';
