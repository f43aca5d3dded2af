/**
 * Runs the simulator on its own for demos and manual runs:
 *   npx tsx test/sim/cli.ts --accounts 3 [--port N] [--token-lifetime 60] [--usage-latency 50]
 * Prints one JSON line `{url, baseUrl, issuer, accounts: [{accountId, tokens}]}` and serves until SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startSimulator } from './index.js';

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      accounts: { type: 'string', default: '3' },
      port: { type: 'string' },
      'token-lifetime': { type: 'string' },
      'usage-latency': { type: 'string' },
    },
  });
  const count = positiveInteger('accounts', values.accounts, 3);
  const sim = await startSimulator({
    port: positiveInteger('port', values.port, 0),
    accessTokenLifetimeSeconds: positiveInteger('token-lifetime', values['token-lifetime'], 3600),
    usageLatencyMs: positiveInteger('usage-latency', values['usage-latency'], 0),
    accounts: Array.from({ length: count }, (_, i) => ({ accountId: `acct-demo-${i + 1}` })),
  });
  const accounts = Array.from({ length: count }, (_, i) => {
    const accountId = `acct-demo-${i + 1}`;
    return { accountId, tokens: sim.issueTokens(accountId) };
  });
  process.stdout.write(`${JSON.stringify({ url: sim.url, baseUrl: sim.baseUrl, issuer: sim.issuer, accounts })}\n`);

  const stop = () => {
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
