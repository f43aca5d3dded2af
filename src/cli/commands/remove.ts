import { removeAccount } from '../../store/mutations.js';
import { flag } from '../args.js';
import type { Command } from '../command.js';
import { writeLine } from '../context.js';
import { UsageError } from '../errors.js';
import { resolveAccount, withStore } from '../open-store.js';
import { confirm } from '../prompt.js';

export const remove: Command = {
  name: 'remove',
  help: {
    brief: 'forget an account and its tokens',
    usage: 'remove <alias> [--yes]',
    summary: 'Forgets an account and its tokens. Asks first; the account can be added again with `login`.',
    options: ['--yes, -y       do not ask'],
    examples: ['opencode-multi-auth remove old-work --yes'],
  },
  options: { yes: { type: 'boolean', short: 'y' } },
  positionals: { min: 1, max: 1 },
  async run(context, args) {
    const alias = args.positionals[0]!;
    return withStore(context, async (store, data) => {
      const account = resolveAccount(data, alias);
      if (!flag(args, 'yes')) {
        if (!context.stdin.isTTY) throw new UsageError(`Not removing ${account.alias} without confirmation: no terminal to ask on. Add --yes.`, 'remove');
        const label = account.email ? `${account.alias} (${account.email})` : account.alias;
        if (!(await confirm(context.stdin, context.stdout, `Remove ${label} and its tokens?`, false))) {
          writeLine(context.stdout, 'Nothing removed.');
          return 1;
        }
      }
      await store.update((draft) => removeAccount(draft, account.id));
      writeLine(context.stdout, `Removed ${account.alias}.`);
      return 0;
    });
  },
};
