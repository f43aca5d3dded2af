import { ReloginRequiredError, TokenRefreshError } from '../../tokens/errors.js';
import { TokenKeeper } from '../../tokens/token-keeper.js';
import { UsageEndpointError } from '../../usage/errors.js';
import { UsageClient } from '../../usage/usage-client.js';
import { formatCountdown } from '../../time/format-time.js';
import { statusView } from '../status-view.js';
import { fail, ok, warn, type DoctorCheck } from './check.js';

/** Which usage route answers, read with the first account that can be used. */
export const checkUsageEndpoint: DoctorCheck = async (run) => {
  if (run.offline) return [];
  const name = 'usage endpoint';
  const { context, store } = run;
  const { data } = await run.storeData();
  if (!data) return [];
  const account = data.accounts.find((candidate) => candidate.enabled && !candidate.health.reloginRequired);
  if (!account) return data.accounts.length === 0 ? [] : [warn(name, 'Not checked: no enabled account that can sign in.', 'See the account lines below.')];
  const tokens = new TokenKeeper({
    store,
    issuer: context.config.authIssuer,
    clock: context.clock,
    fetch: context.fetch,
    refreshMarginMs: context.config.tokenRefreshMargin,
  });
  const client = new UsageClient({ baseUrl: context.config.codexBaseUrl, fetch: context.fetch, timeoutMs: 10_000, challengeRetries: 1 });
  try {
    const accessToken = await tokens.accessToken(account.id);
    const read = await client.read({
      accessToken,
      chatgptAccountId: account.chatgptAccountId,
      preferredRoute: data.usageRoute[context.config.codexBaseUrl],
      accountId: account.id,
    });
    const route = read.route === 'codex' ? '/codex/usage' : '/wham/usage';
    return [ok(name, `${context.config.codexBaseUrl}${route} answers (checked with ${account.alias}).`)];
  } catch (error) {
    const message = `Checked with ${account.alias}: ${(error as Error).message}`;
    if (error instanceof ReloginRequiredError) {
      run.flaggedAccounts.add(account.alias);
      return [fail(name, message, `${account.alias} needs a new sign-in: run \`opencode-multi-auth login ${account.alias}\`.`)];
    }
    if (error instanceof UsageEndpointError && (error.kind === 'unauthorized' || error.kind === 'forbidden' || error.kind === 'deactivated-workspace')) {
      // The backend answered: the network is fine, the account's token or workspace is what it refused.
      run.flaggedAccounts.add(account.alias);
      const fix =
        error.kind === 'deactivated-workspace'
          ? `${account.alias}'s ChatGPT workspace is deactivated; run \`opencode-multi-auth disable ${account.alias}\` if it stays so.`
          : `Run \`opencode-multi-auth refresh ${account.alias}\`; if it fails again, run \`opencode-multi-auth login ${account.alias}\`.`;
      return [fail(name, message, fix)];
    }
    if (error instanceof UsageEndpointError && (error.kind === 'challenge' || error.kind === 'rate-limited'))
      return [
        warn(name, message, 'The backend is limiting this address for now; the plugin backs off by itself. Run `opencode-multi-auth doctor` again later.'),
      ];
    const network = error instanceof TokenRefreshError || (error instanceof UsageEndpointError && (error.kind === 'network' || error.kind === 'timeout'));
    return [
      fail(
        name,
        message,
        network
          ? `Check the network and OPENCODE_MULTI_AUTH_CODEX_BASE_URL / OPENCODE_MULTI_AUTH_AUTH_ISSUER (now ${context.config.codexBaseUrl} and ${context.config.authIssuer}).`
          : "Run `opencode-multi-auth refresh` to see each account's answer, then `opencode-multi-auth status`.",
      ),
    ];
  }
};

/** Accounts that need the user: a new sign-in, a deactivated workspace. Cooldowns pass on their own. */
export const checkAccounts: DoctorCheck = async (run) => {
  const { data } = await run.storeData();
  if (!data || data.accounts.length === 0) return [];
  const now = run.context.clock.now();
  const view = statusView(data, run.store.filePath, now);
  const attention = view.accounts.filter((account) => account.state === 'relogin-required' || account.state === 'workspace-deactivated');
  const checks = attention
    .filter((account) => !run.flaggedAccounts.has(account.alias))
    .map((account) =>
      (account.state === 'relogin-required' ? fail : warn)(
        `account ${account.alias}`,
        `${account.alias}: ${account.state === 'relogin-required' ? 'needs a new sign-in' : 'workspace deactivated'}${account.reason ? ` (${account.reason})` : ''}.`,
        account.advice ?? `Run \`opencode-multi-auth status\`.`,
      ),
    );
  for (const account of attention) run.flaggedAccounts.add(account.alias);
  const usable = view.accounts.filter((account) => account.enabled && account.state !== 'relogin-required').length;
  if (usable === 0)
    checks.push(fail('accounts', 'No enabled account can serve requests.', "Run `opencode-multi-auth status` for each account's state and what to do."));
  else if (run.flaggedAccounts.size === 0)
    checks.push(ok('accounts', `${usable} of ${view.accounts.length} account${view.accounts.length === 1 ? '' : 's'} can serve; none needs attention.`));
  // The last reason each account was passed over or failed, so a flaky account shows without a debug log.
  for (const account of view.accounts) {
    if (account.lastError === null || run.flaggedAccounts.has(account.alias)) continue;
    checks.push(ok(`account ${account.alias}`, `last error ${formatCountdown(account.lastError.at, now)}: ${account.lastError.message}`));
  }
  return checks;
};
