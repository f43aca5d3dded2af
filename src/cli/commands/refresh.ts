import { TokenKeeper } from '../../tokens/token-keeper.js';
import { UsageRefreshQueue, type RefreshProgress } from '../../usage/refresh-queue.js';
import { flag } from '../args.js';
import type { Command } from '../command.js';
import { writeJson, writeLine, writeMessage, type CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { resolveAccount, withStore } from '../open-store.js';
import { renderProgressBar } from '../render/bar.js';
import { paint } from '../render/colors.js';
import { padEnd, truncate } from '../render/text-width.js';

const FRACTION: Record<RefreshProgress['state'], number> = { queued: 0, running: 0.5, done: 1, failed: 1, cancelled: 1 };

function progressLine(context: CliContext, alias: string, progress: RefreshProgress, aliasWidth: number): string {
  const tone = progress.state === 'done' ? 'ok' : progress.state === 'failed' ? 'bad' : progress.state === 'cancelled' ? 'warn' : 'plain';
  const head = `${padEnd(alias, aliasWidth)}  ${renderProgressBar(FRACTION[progress.state], 12)} ${padEnd(progress.state, 9)}`;
  const reason = progress.reason ? ` ${truncate(progress.reason, Math.max(10, context.width - head.length - 2))}` : '';
  return paint(context.palette, tone, head + reason).trimEnd();
}

export const refresh: Command = {
  name: 'refresh',
  help: {
    brief: 'fetch the current usage of accounts now',
    usage: 'refresh [alias...|--all] [--json]',
    summary: 'Fetches the current 5-hour and weekly usage of the accounts now, through the same bounded queue the plugin uses.',
    options: ['--all           every enabled account (the default when no alias is given)', '--json          print the results as JSON'],
    examples: ['opencode-multi-auth refresh --all', 'opencode-multi-auth refresh work personal'],
  },
  options: { all: { type: 'boolean' }, json: { type: 'boolean' } },
  positionals: { min: 0, max: Infinity },
  check(args) {
    if (flag(args, 'all') && args.positionals.length > 0) throw new UsageError('Give aliases or --all, not both.', 'refresh');
  },
  async run(context, args) {
    const aliases = args.positionals;
    return withStore(context, async (store, data) => {
      const accounts = aliases.length > 0 ? aliases.map((alias) => resolveAccount(data, alias)) : data.accounts.filter((account) => account.enabled);
      if (accounts.length === 0) {
        if (flag(args, 'json')) writeJson(context.stdout, { results: [] });
        else
          writeLine(
            context.stdout,
            data.accounts.length === 0 ? 'No accounts to refresh. Add one with `opencode-multi-auth login`.' : 'Every account is disabled; nothing to refresh.',
          );
        return 0;
      }
      const tokens = new TokenKeeper({
        store,
        issuer: context.config.authIssuer,
        clock: context.clock,
        fetch: context.fetch,
        refreshMarginMs: context.config.tokenRefreshMargin,
      });
      const queue = new UsageRefreshQueue({ store, tokens, config: context.config, fetch: context.fetch, clock: context.clock });
      const aliasOf = new Map(accounts.map((account) => [account.id, account.alias]));
      const aliasWidth = Math.min(20, Math.max(...accounts.map((account) => account.alias.length)));
      const live = !flag(args, 'json') && context.stdout.isTTY === true;
      const latest = new Map<string, RefreshProgress>(accounts.map((account) => [account.id, { accountId: account.id, state: 'queued' }]));
      let drawn = 0;
      const redraw = () => {
        if (drawn > 0) context.stdout.write(`\u001b[${drawn}A\u001b[J`);
        const lines = [...latest.values()].map((progress) =>
          progressLine(context, aliasOf.get(progress.accountId) ?? progress.accountId, progress, aliasWidth),
        );
        for (const line of lines) writeLine(context.stdout, line);
        drawn = lines.length;
      };
      if (live) redraw();
      const unsubscribe = queue.onProgress((progress) => {
        if (!aliasOf.has(progress.accountId)) return;
        latest.set(progress.accountId, progress);
        if (live) redraw();
        else if (!flag(args, 'json') && progress.state !== 'queued' && progress.state !== 'running') {
          const alias = aliasOf.get(progress.accountId)!;
          writeLine(context.stdout, `${alias}: ${progress.state}${progress.reason ? ` (${progress.reason})` : ''}`);
        }
      });
      // Copied now: the store's view is updated in place as the refresh records what it learns.
      const coolingBefore = accounts.filter((account) => (account.health.cooldownUntil ?? 0) > context.clock.now()).map((account) => ({ ...account }));
      const stop = () => queue.cancel();
      process.once('SIGINT', stop);
      let results: RefreshProgress[];
      try {
        results = await queue.refreshAll(accounts.map((account) => account.id));
      } finally {
        process.off('SIGINT', stop);
        unsubscribe();
      }
      if (flag(args, 'json')) {
        writeJson(context.stdout, {
          results: results.map((result) => ({
            id: result.accountId,
            alias: aliasOf.get(result.accountId) ?? result.accountId,
            outcome: result.state,
            reason: result.reason ?? null,
          })),
        });
      }
      const now = context.clock.now();
      const ended = coolingBefore.filter((account) => !((store.peek().accounts.find((after) => after.id === account.id)?.health.cooldownUntil ?? 0) > now));
      if (!flag(args, 'json')) for (const account of ended) writeLine(context.stdout, `${account.alias}: cooldown ended (the usage shows headroom).`);
      const failed = results.filter((result) => result.state !== 'done');
      if (failed.length > 0 && !flag(args, 'json'))
        writeMessage(context.stderr, `${failed.length} of ${results.length} could not be refreshed; see \`opencode-multi-auth status\` for what to do.`);
      return failed.length > 0 ? 1 : 0;
    });
  },
};
