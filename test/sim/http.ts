import type { IncomingMessage, ServerResponse } from 'node:http';

/** Small I/O helpers shared by the route modules. */

const MAX_REQUEST_BYTES = 32 * 1024 * 1024;

export async function readRequestBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_REQUEST_BYTES) throw new Error('request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Parses JSON or form bodies into a plain value; the OAuth token route accepts both, as the real
 * issuer does. Returns undefined when the body is empty or unreadable.
 */
export function parseRequestBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(payload)),
    ...headers,
  });
  res.end(payload);
}

export function sendText(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

export const CHALLENGE_HTML =
  '<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>' +
  '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8"></head>' +
  '<body><noscript>Enable JavaScript and cookies to continue</noscript>' +
  '<script>window._cf_chl_opt={cType:"managed"};</script></body></html>';

/** What Cloudflare answers a client it suspects: the plugin must not mistake it for an auth failure. */
export function sendChallenge(res: ServerResponse): void {
  sendText(res, 403, CHALLENGE_HTML, {
    'content-type': 'text/html; charset=UTF-8',
    'cf-mitigated': 'challenge',
    'cache-control': 'private, max-age=0, no-store, no-cache, must-revalidate',
  });
}

/** Writes a chunk, waiting for the socket to drain so a 50 MB stream does not pile up in memory. */
export async function writeChunk(res: ServerResponse, chunk: string): Promise<boolean> {
  if (res.destroyed) return false;
  if (res.write(chunk)) return true;
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

/** Real-time wait that ends early when the simulator shuts down, so close() never hangs on a fault delay. */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(finish, ms);
    function finish() {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      resolve();
    }
    signal.addEventListener('abort', finish, { once: true });
  });
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return match?.[1]?.trim();
}

export function lowercaseHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** Holds a reply open until the client goes away or the simulator shuts down (then cuts it). */
export async function stallUntilClosed(res: ServerResponse, closing: AbortSignal): Promise<void> {
  if (!res.destroyed && !closing.aborted) {
    await new Promise<void>((resolve) => {
      const done = () => {
        res.off('close', done);
        closing.removeEventListener('abort', done);
        resolve();
      };
      res.on('close', done);
      closing.addEventListener('abort', done, { once: true });
    });
  }
  res.destroy();
}
