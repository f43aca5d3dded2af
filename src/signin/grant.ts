import type { TokenGrant } from '../tokens/oauth-client.js';

/** The token set a sign-in ends with. Unlike a refresh, a sign-in always carries a refresh token. */
export type Grant = TokenGrant & { refreshToken: string };
