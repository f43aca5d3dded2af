// Refreshes every usable account of the store over and over (each call spends a refresh token at the
// issuer) until killed. Prints "ready" once the store is open, and its keeper's warnings as "log ..." lines.
import { createLogger } from '../../../src/log/logger.js';
import { AccountStore } from '../../../src/store/account-store.js';
import { ReloginRequiredError } from '../../../src/tokens/errors.js';
import { TokenKeeper } from '../../../src/tokens/token-keeper.js';

const [dir, issuer] = process.argv.slice(2) as [string, string];
const logger = createLogger('warn', (line) => process.stdout.write(`log ${line}\n`));
const store = new AccountStore({ dir, statIntervalMs: 0, debounceMs: 5, logger });
const keeper = new TokenKeeper({ store, issuer, requestTimeoutMs: 10_000, logger });
await store.load();
process.stdout.write('ready\n');
for (;;) {
  const live = (await store.reload()).accounts.filter((account) => !account.health.reloginRequired);
  if (live.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  for (const account of live) {
    try {
      // Rejecting the stored access token forces a refresh, as a 401 from the backend would.
      await keeper.accessToken(account.id, { rejected: account.tokens.accessToken });
      process.stdout.write(`refreshed ${account.alias}\n`);
    } catch (error) {
      if (!(error instanceof ReloginRequiredError)) throw error;
      process.stdout.write(`relogin ${account.alias}: ${error.reason}\n`);
    }
  }
}
