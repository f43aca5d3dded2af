import { createHash, randomBytes } from 'node:crypto';

/** A PKCE pair (RFC 7636, S256). The verifier stays here; only the challenge goes to the issuer. */
export interface Pkce {
  verifier: string;
  challenge: string;
}

/** The S256 challenge for a verifier: base64url(sha256(verifier)). */
export function challengeFor(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** A fresh verifier (64 random bytes, base64url) and its challenge. */
export function createPkce(): Pkce {
  const verifier = randomBytes(64).toString('base64url');
  return { verifier, challenge: challengeFor(verifier) };
}

/** An unguessable `state` value that ties the callback to this sign-in. */
export function createState(): string {
  return randomBytes(32).toString('base64url');
}
