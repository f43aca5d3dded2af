// Load for the refresh benchmark: writes the store as fast as it can (the lock, the merge, fsyncs),
// as busy OpenCode windows do, without ever touching tokens. Runs until killed.
import { AccountStore } from '../../src/store/account-store.js';
import { extendCooldown, recordRequestServed, recordSnapshot } from '../../src/store/mutations.js';

const [dir] = process.argv.slice(2) as [string];
const store = new AccountStore({ dir, debounceMs: 1, statIntervalMs: 0 });
const ids = (await store.load()).accounts.map((account) => account.id);
for (let i = 0; ; i++) {
  const id = ids[i % ids.length]!;
  const now = Date.now();
  store.defer((data) => recordRequestServed(data, id, now));
  store.defer((data) => recordSnapshot(data, id, 'weekly', { usedPercent: i % 100, observedAt: now, source: 'response-headers' }));
  await store.update((data) => extendCooldown(data, id, now - 1, 'bench'));
}
