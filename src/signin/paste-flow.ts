import { StateMismatchError, UnreadablePasteError } from './errors.js';

/**
 * Reads the code out of what a user pasted: the full redirect address (`http://localhost:1455/auth/callback?code=…&state=…`),
 * just its query string, or a bare code. When the text carries a `state`, it must be `expectedState`.
 */
export function readPastedCode(text: string, expectedState: string): string {
  const trimmed = text.trim().replace(/^["'<]|[">']$/g, '');
  if (trimmed === '') throw new UnreadablePasteError('nothing was pasted');
  let params: URLSearchParams | undefined;
  if (/^https?:\/\//i.test(trimmed)) {
    try {
      params = new URL(trimmed).searchParams;
    } catch {
      throw new UnreadablePasteError('the address is not valid');
    }
  } else if (trimmed.includes('code=')) {
    params = new URLSearchParams(trimmed.slice(trimmed.indexOf('?') + 1));
  }
  if (!params) {
    if (/\s/.test(trimmed)) throw new UnreadablePasteError('a code has no spaces');
    return trimmed;
  }
  const error = params.get('error');
  if (error) throw new UnreadablePasteError(`the issuer answered ${error}${params.get('error_description') ? ` (${params.get('error_description')})` : ''}`);
  const state = params.get('state');
  if (state !== null && state !== expectedState) throw new StateMismatchError();
  const code = params.get('code');
  if (!code) throw new UnreadablePasteError('the address has no code= in it');
  return code;
}
