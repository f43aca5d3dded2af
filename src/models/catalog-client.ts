import { CODEX_CLI_VERSION, codexRequestHeaders } from '../usage/codex-request-headers.js';
import type { CatalogModel } from '../store/schema.js';
import { CatalogReplySchema, catalogModelsFromReply } from './catalog-reply.js';

/** Why a catalog read failed; `unauthorized` is worth one token refresh. */
export class CatalogReadError extends Error {
  override readonly name = 'CatalogReadError';
  constructor(
    readonly kind: 'unauthorized' | 'http' | 'timeout' | 'network' | 'malformed' | 'cancelled',
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export type CatalogRead =
  | { changed: true; models: CatalogModel[]; etag?: string }
  /** 304: the catalog with the ETag we sent still holds. */
  | { changed: false };

export interface CatalogReadRequest {
  /** `{base}` of `{base}/codex/models`, without a trailing slash. */
  baseUrl: string;
  accessToken: string;
  chatgptAccountId: string;
  /** The ETag of the catalog we hold, sent as `If-None-Match`. */
  etag?: string;
  fetch: typeof fetch;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Reads one account's model catalog, `GET {base}/codex/models?client_version=<semver>` with the
 * account's own headers (`client_version` is required). Throws {@link CatalogReadError}.
 */
export async function readModelCatalog(request: CatalogReadRequest): Promise<CatalogRead> {
  const url = `${request.baseUrl}/codex/models?client_version=${encodeURIComponent(CODEX_CLI_VERSION)}`;
  const headers: Record<string, string> = codexRequestHeaders(request.accessToken, request.chatgptAccountId);
  if (request.etag) headers['if-none-match'] = request.etag;
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  let response: Response;
  let body: string;
  try {
    response = await request.fetch(url, { method: 'GET', headers, signal });
    body = response.status === 304 ? '' : await response.text();
  } catch (error) {
    if (request.signal?.aborted) throw new CatalogReadError('cancelled', 'The model catalog read was cancelled.');
    if (timeout.aborted) throw new CatalogReadError('timeout', `GET /codex/models gave no answer within ${request.timeoutMs} ms.`);
    throw new CatalogReadError('network', `GET /codex/models failed before an answer: ${error instanceof Error ? error.message : String(error)}.`);
  }
  if (response.status === 304) return { changed: false };
  if (response.status === 401) throw new CatalogReadError('unauthorized', 'GET /codex/models answered 401.', 401);
  if (!response.ok) throw new CatalogReadError('http', `GET /codex/models answered ${response.status}: ${body.slice(0, 200)}`, response.status);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new CatalogReadError('malformed', `GET /codex/models answered ${response.status} with a body that is not JSON.`, response.status);
  }
  const parsed = CatalogReplySchema.safeParse(json);
  if (!parsed.success) throw new CatalogReadError('malformed', 'GET /codex/models answered JSON without a `models` list.', response.status);
  const etag = response.headers.get('etag') ?? undefined;
  return { changed: true, models: catalogModelsFromReply(parsed.data), ...(etag ? { etag } : {}) };
}
