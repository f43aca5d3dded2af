import type { Command } from '../command.js';
import { writeLine } from '../context.js';
import { resolveAccount, withStore } from '../open-store.js';
import { setEnabled } from '../../store/mutations.js';

function toggle(enabled: boolean): Command {
  const name = enabled ? 'enable' : 'disable';
  return {
    name,
    help: {
      brief: enabled ? 'let the plugin use accounts again' : 'keep the plugin from using accounts',
      usage: `${name} <alias>...`,
      summary: enabled
        ? 'Lets the plugin use the accounts again. A cooldown stays; `clear` ends it.'
        : 'Keeps the plugin from using the accounts (they stay signed in; `enable` brings them back).',
      examples: [enabled ? 'opencode-multi-auth enable work' : 'opencode-multi-auth disable work'],
    },
    options: {},
    positionals: { min: 1, max: Infinity },
    async run(context, args) {
      return withStore(context, async (store, data) => {
        const accounts = args.positionals.map((alias) => resolveAccount(data, alias));
        await store.update((draft) => {
          for (const account of accounts) setEnabled(draft, account.id, enabled);
        });
        for (const account of accounts) writeLine(context.stdout, `${account.alias}: ${enabled ? 'enabled' : 'disabled'}.`);
        return 0;
      });
    },
  };
}

export const enable = toggle(true);
export const disable = toggle(false);
