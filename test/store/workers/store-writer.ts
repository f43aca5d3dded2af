// Writes to the store as fast as it can until killed; prints "ready" after its first write.
import { AccountStore } from '../../../src/store/account-store.js';
import { adoptTokens, extendCooldown, recordRequestServed, recordSnapshot, renameAccount } from '../../../src/store/mutations.js';

const [dir] = process.argv.slice(2) as [string];
const store = new AccountStore({ dir, debounceMs: 1, statIntervalMs: 0 });
const data = await store.load();
const ids = data.accounts.map((account) => account.id);
let announced = false;
for (let i = 0; ; i++) {
  const id = ids[i % ids.length]!;
  const now = Date.now();
  store.defer((d) => recordRequestServed(d, id, now));
  store.defer((d) => recordSnapshot(d, id, 'weekly', { usedPercent: i % 100, observedAt: now, source: 'response-headers' }));
  await store.update((d) => {
    extendCooldown(d, id, now + 1_000, 'burst');
    adoptTokens(d, id, { accessToken: `access-${process.pid}-${i}`, refreshToken: `refresh-${process.pid}-${i}`, expiresAt: now + 60_000, obtainedAt: now });
    if (i % 7 === 0) renameAccount(d, id, `w${process.pid}-${i}`);
  });
  if (!announced) {
    announced = true;
    process.stdout.write('ready\n');
  }
}
