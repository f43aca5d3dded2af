import { renameAccount } from '../../store/mutations.js';
import { AliasTakenError } from '../../store/errors.js';
import { expectPositionals } from '../args.js';
import type { Command } from '../command.js';
import { writeLine } from '../context.js';
import { CommandFailedError } from '../errors.js';
import { resolveAccount, withStore } from '../open-store.js';

export const rename: Command = {
  name: 'rename',
  help: {
    brief: 'give an account another alias',
    usage: 'rename <old> <new>',
    summary: 'Gives an account another alias.',
    examples: ['opencode-multi-auth rename account-2 personal'],
  },
  options: {},
  async run(context, args) {
    const [from, to] = expectPositionals('rename', args, 2, 2) as [string, string];
    return withStore(context, async (store, data) => {
      const account = resolveAccount(data, from);
      try {
        await store.update((draft) => renameAccount(draft, account.id, to));
      } catch (error) {
        if (error instanceof AliasTakenError) throw new CommandFailedError(error.message);
        throw error;
      }
      writeLine(context.stdout, `Renamed ${account.alias} to ${to}.`);
      return 0;
    });
  },
};
