import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readIdentity } from '../../src/store/jwt-claims.js';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const REGISTER = fileURLToPath(new URL('./register.mjs', import.meta.url));

describe('simulator CLI', () => {
  it('explains itself with --help', async () => {
    const child = spawn(process.execPath, ['--import', REGISTER, CLI, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(out).toContain('Usage: npm run sim -- [options]');
    expect(out).toContain('/codex/device');
    expect(out).toContain('a page lets you choose the simulated account');
  });

  it('prints the addresses and tokens of its demo accounts, serves them, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', REGISTER, CLI, '--accounts', '2', '--token-lifetime', '90'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const info = JSON.parse(line) as {
        url: string;
        baseUrl: string;
        issuer: string;
        accounts: Array<{ accountId: string; tokens: { access_token: string; expires_in: number } }>;
      };
      expect(info.baseUrl).toBe(`${info.url}/backend-api`);
      expect(info.issuer).toBe(info.url);
      expect(info.accounts).toHaveLength(2);
      // The browser sign-in shows the page to choose an account on.
      const authorize = new URL(`${info.issuer}/oauth/authorize`);
      for (const [name, value] of Object.entries({
        response_type: 'code',
        client_id: 'app_EMoamEEZ73f0CkXaXp7hrann',
        redirect_uri: 'http://localhost:1455/auth/callback',
        scope: 'openid offline_access',
        code_challenge: 'c',
        code_challenge_method: 'S256',
      }))
        authorize.searchParams.set(name, value);
      expect(await (await fetch(authorize)).text()).toContain('Sign in as acct-demo-2@example.test');
      const [first] = info.accounts;
      expect(first!.tokens.expires_in).toBe(90);
      expect(readIdentity({ accessToken: first!.tokens.access_token }).chatgptAccountId).toBe(first!.accountId);

      const res = await fetch(`${info.baseUrl}/codex/responses`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${first!.tokens.access_token}`,
          'chatgpt-account-id': first!.accountId,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ model: 'gpt-5.4', input: 'hi', stream: true, store: false }),
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(first!.accountId);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});
