/**
 * Runs the simulator on its own, to try the plugin and the command-line tool by hand:
 *   npm run sim -- --accounts 3 [--port N] [--token-lifetime 60] [--usage-latency 50] [--no-sign-in-page]
 * Prints one JSON line `{url, baseUrl, issuer, accounts: [{accountId, email, tokens}]}` on stdout, what to
 * do with it on stderr, and serves until SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startSimulator } from './index.js';

const HELP = `Usage: npm run sim -- [options]

A simulated ChatGPT Codex backend and OpenAI sign-in server on 127.0.0.1, with demo
accounts, to try opencode-multi-auth without a real account or network.

Options:
  --accounts N          how many demo accounts (default 3): acct-demo-1@example.test, ...
  --port N              listen on port N (default: a free port)
  --token-lifetime S    access tokens expire after S seconds (default 3600)
  --usage-latency MS    delay usage answers by MS milliseconds (default 0)
  --no-sign-in-page     browser sign-in completes at once as the first account
  -h, --help            show this help

Prints one JSON line on stdout: {url, baseUrl, issuer, accounts: [{accountId, email,
tokens}]}, then how to point the plugin and the tool at it on stderr. Signing in:
  - browser (opencode-multi-auth login): a page lets you choose the simulated account;
  - device code (login --headless): open {url}/codex/device, enter the code shown in
    the terminal and choose the account that approves it.
Stops on Ctrl-C.
`;

function nonNegativeInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number of at least 0, got ${value}. Run with --help for the options.`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      accounts: { type: 'string', default: '3' },
      port: { type: 'string' },
      'token-lifetime': { type: 'string' },
      'usage-latency': { type: 'string' },
      'no-sign-in-page': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const count = nonNegativeInteger('accounts', values.accounts, 3);
  const sim = await startSimulator({
    port: nonNegativeInteger('port', values.port, 0),
    accessTokenLifetimeSeconds: nonNegativeInteger('token-lifetime', values['token-lifetime'], 3600),
    usageLatencyMs: nonNegativeInteger('usage-latency', values['usage-latency'], 0),
    signInPage: !values['no-sign-in-page'],
    accounts: Array.from({ length: count }, (_, i) => ({ accountId: `acct-demo-${i + 1}`, email: `acct-demo-${i + 1}@example.test` })),
  });
  const accounts = Array.from({ length: count }, (_, i) => {
    const accountId = `acct-demo-${i + 1}`;
    return { accountId, email: `${accountId}@example.test`, tokens: sim.issueTokens(accountId) };
  });
  process.stdout.write(`${JSON.stringify({ url: sim.url, baseUrl: sim.baseUrl, issuer: sim.issuer, accounts })}\n`);
  process.stderr.write(
    [
      `Simulator at ${sim.url} with ${count} account${count === 1 ? '' : 's'}. In another terminal:`,
      `  export OPENCODE_MULTI_AUTH_CODEX_BASE_URL=${sim.baseUrl}`,
      `  export OPENCODE_MULTI_AUTH_AUTH_ISSUER=${sim.issuer}`,
      '  opencode-multi-auth login demo1              # a page lets you choose the account',
      `  opencode-multi-auth login demo2 --headless   # approve the code at ${sim.url}/codex/device`,
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );

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
