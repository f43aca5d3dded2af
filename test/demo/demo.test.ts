import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the demo script as `npm run demo` does, minus the build (the test command builds first). */
function runDemo(env: NodeJS.ProcessEnv): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  await fs.access(path.join(ROOT, 'dist', 'index.js'));
});

describe('npm run demo', () => {
  it('tells the story of routing, failover, a token refresh and the no-account explanation', { timeout: 300_000 }, async () => {
    const demo = await runDemo({ ...process.env, NO_COLOR: '1' });

    expect(demo.code, demo.stderr).toBe(0);
    const out = demo.stdout;
    // Plain text for a pipe: no escape codes, nothing wider than a terminal.
    expect(out).not.toContain('\x1b[');
    for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(80);

    // The first prompt goes to the account with the most headroom and its session stays there.
    expect(out).toMatch(/reply: Hello from acct-personal\./);
    expect(out).toMatch(/served by personal \(its quota is the most at risk of expiring unused\)/);
    expect(out).toMatch(/served by personal \(same session, stays on its account\)/);
    // work is out but the plugin did not know: a 429, then the request moves on before any byte.
    expect(out).toMatch(/work: 429 usage limit reached → moved to team/);
    expect(out).toMatch(/reply: Hello from acct-team\./);
    // team's access token expired during the demo and was refreshed at the issuer.
    expect(out).toMatch(/token refreshed: team/);
    expect(out).toMatch(/Token refreshes at the issuer: team 1,/);
    // With every account out, opencode shows why, naming each account.
    expect(out).toMatch(/No eligible account: .*personal/s);
    expect(out).toMatch(/First back:/);
    expect(out).toMatch(/work\s+0\s+100%\s+cooling down/);
  });
});
