import { IssuerRequestError } from './errors.js';

export type FetchLike = typeof fetch;

/** Reads an error body for a message: the issuer's `error`/`error_description` when present, never a token. */
export async function describeErrorBody(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: unknown; error_description?: unknown };
    const error = typeof body.error === 'object' && body.error ? (body.error as { code?: unknown; message?: unknown }) : undefined;
    const parts = [
      typeof body.error === 'string' ? body.error : error?.code,
      typeof body.error_description === 'string' ? body.error_description : error?.message,
    ].filter((part): part is string => typeof part === 'string' && part.length > 0);
    if (parts.length > 0) return parts.join(': ').slice(0, 200);
  } catch {
    // not JSON
  }
  return text.trim().slice(0, 120) || response.statusText || 'no details';
}

/** `fetch` that turns a network failure into an {@link IssuerRequestError} naming the step. */
export async function issuerFetch(fetchImpl: FetchLike, step: string, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetchImpl(url, init);
  } catch (error) {
    const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    throw new IssuerRequestError(step, undefined, cause);
  }
}
