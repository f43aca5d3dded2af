const JWT = /\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g;
const BEARER = /\b(Bearer\s+)[^\s"',]+/gi;
const TOKEN_FIELD = /("?(?:access_token|refresh_token|id_token|accessToken|refreshToken|idToken|code_verifier|authorization)"?\s*[:=]\s*"?)[^\s"',&]+/gi;

/** Removes anything that looks like a token from a text. Logs and error messages go through this. */
export function redact(text: string): string {
  return text.replace(JWT, '[redacted-jwt]').replace(BEARER, '$1[redacted]').replace(TOKEN_FIELD, '$1[redacted]');
}
