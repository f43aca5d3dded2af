import { createHash, randomBytes } from 'node:crypto';

/** A random opaque identifier such as `rt_3fT…`; unpredictable so tests cannot accidentally rely on it. */
export function randomId(prefix: string, bytes = 18): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

/** PKCE S256: base64url(sha256(verifier)). */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** A user code shaped like the real one: four letters, a dash, four digits. */
export function randomUserCode(): string {
  const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  const bytes = randomBytes(8);
  let code = '';
  for (let i = 0; i < 4; i++) code += letters[bytes[i]! % letters.length]!;
  code += '-';
  for (let i = 4; i < 8; i++) code += String(bytes[i]! % 10);
  return code;
}
