/**
 * The simulator in its own process, so the benchmark process measures only the client side (as with
 * the real backend, which is on another machine). Requests cost no quota: 2,000 of them would
 * otherwise exhaust the 5-hour window and the plugin would rightly start failing over.
 *
 * Prints one JSON line `{baseUrl, issuer, accounts: [{accountId, tokens}]}`; serves until SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startSimulator } from '../test/sim/index.js';

const { values } = parseArgs({ options: { accounts: { type: 'string', default: '3' } } });
const count = Number(values.accounts);
const ids = Array.from({ length: count }, (_, index) => `bench-${index + 1}`);
const sim = await startSimulator({
  accounts: ids.map((accountId) => ({ accountId, costPerRequest: { fiveHour: 0, weekly: 0 } })),
});
const accounts = ids.map((accountId) => ({ accountId, tokens: sim.issueTokens(accountId) }));
process.stdout.write(`${JSON.stringify({ baseUrl: sim.baseUrl, issuer: sim.issuer, accounts })}\n`);

const stop = () => void sim.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
