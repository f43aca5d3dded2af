// Refreshes every account of the store `rounds` times, one refresh at a time, and reports on stdout
// when each rename of accounts.json or of a refresh journal completed (wall clock, sub-ms), so the
// benchmark can time the issuer's last byte to the durable save. Uses only APIs older builds have too.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { AccountStore } from '../../src/store/account-store.js';
import { TokenKeeper } from '../../src/tokens/token-keeper.js';

const [dir, issuer, roundsText] = process.argv.slice(2) as [string, string, string];
const wall = () => performance.timeOrigin + performance.now();
const report = (to: fs.PathLike, at: number) => {
  const name = path.basename(String(to));
  if (name === 'accounts.json' || name.endsWith('.journal')) process.stdout.write(`renamed ${name === 'accounts.json' ? 'store' : 'journal'} ${at}\n`);
};
const rename = fs.promises.rename.bind(fs.promises);
fs.promises.rename = async (from: fs.PathLike, to: fs.PathLike) => {
  await rename(from, to);
  report(to, wall());
};
const renameSync = fs.renameSync.bind(fs);
fs.renameSync = (from: fs.PathLike, to: fs.PathLike) => {
  renameSync(from, to);
  report(to, wall());
};

const store = new AccountStore({ dir });
// Marks when the answer's body has been read in this process, to split the window into transport
// (socket to JavaScript) and the time the code itself takes to make the answer durable.
const timedFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const body = await response.text();
  process.stdout.write(`body ${wall()}\n`);
  return new Response(body, { status: response.status, headers: response.headers });
};
// Builds with a refresh journal call this once the answer is fsync'd (file and folder); older ones
// ignore it, and there the store's rename comes after its fsync anyway.
const onAnswerSaved = () => process.stdout.write(`saved ${wall()}\n`);
const keeper = new TokenKeeper({ store, issuer, requestTimeoutMs: 20_000, fetch: timedFetch, ...{ onAnswerSaved } });
const data = await store.load();
for (let round = 0; round < Number(roundsText); round++) {
  for (const account of data.accounts) {
    const stored = (await store.reload()).accounts.find((candidate) => candidate.id === account.id)!;
    process.stdout.write(`refresh ${wall()}\n`);
    await keeper.accessToken(account.id, { rejected: stored.tokens.accessToken });
  }
}
await store.close();
process.stdout.write('done\n');
