import { randomBytes, timingSafeEqual } from 'node:crypto';

/*
 * The dashboard's guards, as pure functions of the request's headers. The server listens on
 * 127.0.0.1 only; these stop the two ways a web page elsewhere could still reach it: a DNS name
 * rebound to 127.0.0.1 (refused by Host) and a cross-site request (refused by Origin and the token).
 */

/**
 * What the page may load: only its own scripts, styles and API, nothing inline, no frames, no forms
 * posted elsewhere. The timeline is inline SVG built with DOM calls, which `default-src` allows.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers on every answer. */
export function securityHeaders(): Record<string, string> {
  return {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': 'no-store',
  };
}

/** A fresh secret for one run of the dashboard (32 random bytes, base64url). */
export function newDashboardToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The Host values this dashboard answers to: its loopback address and `localhost`, on its port. */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

/** The origins a page of this dashboard has. */
export function allowedOrigins(port: number): string[] {
  return allowedHosts(port).map((host) => `http://${host}`);
}

export function isAllowedHost(host: string | undefined, port: number): boolean {
  return host !== undefined && allowedHosts(port).includes(host.toLowerCase());
}

/** An absent Origin is allowed (a plain navigation or a command-line client); a present one must be ours. */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  return origin === undefined || allowedOrigins(port).includes(origin.toLowerCase());
}

/** Constant-time comparison of the token a request carries with this run's token. */
export function tokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Methods that change nothing; everything else needs the token. */
export function isStateChanging(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
}

export interface RequestFacts {
  method: string;
  host: string | undefined;
  origin: string | undefined;
  token: string | undefined;
  contentType: string | undefined;
}

export type Verdict = { ok: true } | { ok: false; status: 403 | 415 | 421; reason: string };

/**
 * Whether to serve a request. Order matters: a wrong Host is answered before anything else is
 * looked at, so a rebound name learns nothing about the dashboard.
 */
export function checkRequest(request: RequestFacts, own: { port: number; token: string }): Verdict {
  if (!isAllowedHost(request.host, own.port)) {
    return { ok: false, status: 421, reason: `Host "${request.host ?? ''}" is not this dashboard; open ${allowedOrigins(own.port)[0]}/ instead.` };
  }
  if (!isAllowedOrigin(request.origin, own.port)) {
    return { ok: false, status: 403, reason: `Requests from ${request.origin} are refused.` };
  }
  if (!isStateChanging(request.method)) return { ok: true };
  if (!tokenMatches(request.token, own.token)) {
    return { ok: false, status: 403, reason: 'Missing or wrong dashboard token; reload the page (the token changes every time the dashboard starts).' };
  }
  // A JSON body cannot be sent cross-site without a preflight: one more wall behind the token.
  if (!/^application\/json\b/i.test(request.contentType ?? '')) {
    return { ok: false, status: 415, reason: 'Send the body as application/json.' };
  }
  return { ok: true };
}
