import { clearTemporaryExclusions } from '../../store/mutations.js';
import { formatMoment } from '../../time/format-time.js';
import type { Command } from '../command.js';
import { writeLine, writeMessage } from '../context.js';
import { resolveAccount, withStore } from '../open-store.js';

export const clear: Command = {
  name: 'clear',
  help: {
    brief: 'end a cooldown now (the account is tried again)',
    usage: 'clear <alias>...',
    summary:
      'Ends what keeps an account out for a while: a cooldown (quota, burst limit, challenge), a deactivated ' +
      'workspace mark and models marked unavailable. The next request may use it again; if the backend still ' +
      'refuses, the plugin cools it down again. A new sign-in is not cleared: that needs `login`.',
    examples: ['opencode-multi-auth clear work'],
  },
  options: {},
  positionals: { min: 1, max: Infinity },
  async run(context, args) {
    return withStore(context, async (store, data) => {
      const accounts = args.positionals.map((alias) => resolveAccount(data, alias));
      await store.update((draft) => {
        for (const account of accounts) clearTemporaryExclusions(draft, account.id);
      });
      const now = context.clock.now();
      for (const account of accounts) {
        const health = account.health;
        const was =
          health.cooldownUntil !== undefined && health.cooldownUntil > now
            ? `cooling down${health.cooldownReason ? ` (${health.cooldownReason})` : ''} until ${formatMoment(health.cooldownUntil, now)}`
            : health.workspaceDeactivatedUntil !== undefined && health.workspaceDeactivatedUntil > now
              ? `workspace marked deactivated until ${formatMoment(health.workspaceDeactivatedUntil, now)}`
              : undefined;
        writeLine(context.stdout, was ? `${account.alias}: cleared (was ${was}).` : `${account.alias}: nothing to clear.`);
        if (health.reloginRequired)
          writeMessage(context.stderr, `${account.alias} still needs a new sign-in: run \`opencode-multi-auth login ${account.alias}\`.`);
      }
      return 0;
    });
  },
};
