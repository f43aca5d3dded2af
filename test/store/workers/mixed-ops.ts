// One of the four "OpenCode windows": 100 mixed operations on a shared store, refreshing real tokens at the simulator.
import { AccountStore } from '../../../src/store/account-store.js';
import { extendCooldown, findAccount, recordRequestServed, recordSnapshot, renameAccount } from '../../../src/store/mutations.js';
import { TokenKeeper } from '../../../src/tokens/token-keeper.js';

const [dir, issuer, workerText, opsText] = process.argv.slice(2) as [string, string, string, string];
const worker = Number(workerText);
const store = new AccountStore({ dir, debounceMs: 20, statIntervalMs: 50 });
const keeper = new TokenKeeper({ store, issuer, refreshMarginMs: 300 });
const data = await store.load();
const ids = data.accounts.map((account) => account.id).sort();
const errors: string[] = [];
let lastAlias = '';
let maxCooldown = 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (let i = 0; i < Number(opsText); i++) {
  const id = ids[i % ids.length]!;
  const now = Date.now();
  try {
    switch (i % 4) {
      case 0: {
        // Every other token op simulates a 401 on the token we hold.
        const held = findAccount(store.peek(), id)?.tokens.accessToken;
        await keeper.accessToken(id, i % 8 === 0 && held ? { rejected: held } : {});
        break;
      }
      case 1: {
        const until = 1_000_000 + worker * 1_000 + i;
        maxCooldown = Math.max(maxCooldown, until);
        store.defer((d) => extendCooldown(d, ids[0]!, until, `worker-${worker}`));
        break;
      }
      case 2:
        store.defer((d) => recordSnapshot(d, ids[0]!, 'fiveHour', { usedPercent: i, observedAt: i * 10 + worker, source: 'response-headers' }));
        break;
      case 3:
        lastAlias = `w${worker}-${i}`;
        await store.update((d) => renameAccount(d, ids[1]!, lastAlias));
        break;
    }
    store.defer((d) => recordRequestServed(d, ids[0]!, now));
  } catch (error) {
    errors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  }
  await sleep(Math.random() * 40);
}
await store.close();
process.stdout.write(JSON.stringify({ worker, errors, lastAlias, maxCooldown, stats: keeper.stats }) + '\n');
