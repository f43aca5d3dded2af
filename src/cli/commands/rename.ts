import { renameAccount } from '../../store/mutations.js';
import { AliasTakenError } from '../../store/errors.js';
import { checkAlias } from '../../store/alias.js';
import type { Command } from '../command.js';
import { writeLine } from '../context.js';
import { CommandFailedError, UsageError } from '../errors.js';
import { resolveAccount, withStore } from '../open-store.js';

export const rename: Command = {
  name: 'rename',
  help: {
    brief: 'give an account another alias',
    usage: 'rename <old> <new>',
    summary: 'Gives an account another alias: letters, digits and . _ - @ + (at most 64), unique ignoring case.',
    examples: ['opencode-multi-auth rename account-2 personal'],
  },
  options: {},
  positionals: { min: 2, max: 2 },
  check(args) {
    const checked = checkAlias(args.positionals[1]!);
    if (!checked.ok) throw new UsageError(`Not a usable alias: ${checked.problem}.`, 'rename');
  },
  async run(context, args) {
    const from = args.positionals[0]!;
    const to = (checkAlias(args.positionals[1]!) as { alias: string }).alias;
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
