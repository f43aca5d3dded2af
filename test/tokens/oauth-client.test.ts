import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAuthError, OAuthResponseError } from '../../src/tokens/errors.js';
import { CLIENT_ID, exchangeAuthorizationCode, parseOAuthErrorBody, refreshTokens } from '../../src/tokens/oauth-client.js';

let server: Server;
let issuer: string;
let reply: { status: number; body: string } = { status: 200, body: '{}' };
let lastBody: URLSearchParams | undefined;
let lastPath = '';

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => resolve(text));
  });

beforeAll(async () => {
  server = createServer((req, res) => {
    lastPath = req.url ?? '';
    void readBody(req).then((text) => {
      lastBody = new URLSearchParams(text);
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('refreshTokens', () => {
  it('posts a refresh_token grant with the Codex client id and reads the grant', async () => {
    reply = { status: 200, body: JSON.stringify({ access_token: 'a2', refresh_token: 'r2', id_token: 'i2', expires_in: 60 }) };
    const grant = await refreshTokens(`${issuer}/`, 'r1');
    expect(lastPath).toBe('/oauth/token');
    expect(Object.fromEntries(lastBody!)).toEqual({ grant_type: 'refresh_token', refresh_token: 'r1', client_id: CLIENT_ID });
    expect(grant).toEqual({ accessToken: 'a2', refreshToken: 'r2', idToken: 'i2', expiresIn: 60 });
  });

  it('turns an error body into an OAuthError with status and code, and no token in its message', async () => {
    reply = { status: 401, body: JSON.stringify({ error: { code: 'refresh_token_reused', message: 'token r1-secret-value was reused' } }) };
    const error = await refreshTokens(issuer, 'r1-secret-value').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ status: 401, code: 'refresh_token_reused' });
    expect((error as Error).message).toContain('401');
  });

  it('rejects a 200 that is not a token response', async () => {
    reply = { status: 200, body: '<html>hi</html>' };
    await expect(refreshTokens(issuer, 'r1')).rejects.toBeInstanceOf(OAuthResponseError);
    reply = { status: 200, body: JSON.stringify({ token: 'x' }) };
    await expect(refreshTokens(issuer, 'r1')).rejects.toBeInstanceOf(OAuthResponseError);
  });
});

describe('exchangeAuthorizationCode', () => {
  it('posts an authorization_code grant with the PKCE verifier', async () => {
    reply = { status: 200, body: JSON.stringify({ access_token: 'a', refresh_token: 'r' }) };
    await exchangeAuthorizationCode(issuer, { code: 'c', redirectUri: 'http://localhost:1455/auth/callback', codeVerifier: 'v' });
    expect(Object.fromEntries(lastBody!)).toEqual({
      grant_type: 'authorization_code',
      code: 'c',
      redirect_uri: 'http://localhost:1455/auth/callback',
      client_id: CLIENT_ID,
      code_verifier: 'v',
    });
  });
});

describe('parseOAuthErrorBody', () => {
  it.each([
    ['{"error":"refresh_token_expired","error_description":"gone"}', { code: 'refresh_token_expired', description: 'gone' }],
    ['{"error":{"code":"refresh_token_reused","message":"again"}}', { code: 'refresh_token_reused', description: 'again' }],
    ['{"code":"x"}', { code: 'x' }],
    ['<html>', {}],
    ['[1]', {}],
  ])('%s', (body, expected) => {
    expect(parseOAuthErrorBody(body)).toMatchObject(expected);
  });
});
