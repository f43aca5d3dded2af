import { promises as fs } from 'node:fs';
import path from 'node:path';
import { exportOf } from '../../store/transfer.js';
import { flag } from '../args.js';
import type { Command } from '../command.js';
import { writeLine, writeMessage } from '../context.js';
import { CommandFailedError } from '../errors.js';
import { withStore } from '../open-store.js';

export const exportCommand: Command = {
  name: 'export',
  help: {
    brief: 'save every account to a file (backup, new machine)',
    usage: 'export <file> [--force]',
    summary:
      'Writes every account, with its tokens, to a file only you can read (mode 0600), for a backup or to move ' +
      'to another machine with `import <file>`. The file holds credentials: anyone who has it can use the ' +
      'accounts. Keep it private and delete it once imported. Refresh tokens are single-use: after an import ' +
      'elsewhere, use the accounts on one machine only, or they sign each other out.',
    options: ['--force         overwrite the file if it exists'],
    examples: ['opencode-multi-auth export ~/accounts-backup.json'],
  },
  options: { force: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run(context, args) {
    const target = path.resolve(args.positionals[0]!);
    return withStore(context, async (_store, data) => {
      if (data.accounts.length === 0) throw new CommandFailedError('The store has no accounts; nothing to export. Add one with `opencode-multi-auth login`.');
      const text = `${JSON.stringify(exportOf(data, context.clock.now()), null, 2)}\n`;
      try {
        if (flag(args, 'force')) await fs.rm(target, { force: true });
        // 'wx': never replace a file by accident, and create it 0600 from the start (no moment with looser rights).
        await fs.writeFile(target, text, { mode: 0o600, flag: 'wx' });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST')
          throw new CommandFailedError(`${target} already exists; nothing was written. Choose another file, or add --force to overwrite it.`);
        throw new CommandFailedError(`Could not write ${target} (${code ?? String(error)}).`);
      }
      await fs.chmod(target, 0o600);
      writeLine(
        context.stdout,
        `Exported ${data.accounts.length} account${data.accounts.length === 1 ? '' : 's'} (${data.accounts.map((account) => account.alias).join(', ')}) to ${target}.`,
      );
      writeMessage(
        context.stderr,
        "Warning: this file holds the accounts' tokens: anyone who has it can use them. Keep it private (it is mode 0600) and delete it once imported. " +
          'Use each account on one machine only: refresh tokens are single-use.',
      );
      return 0;
    });
  },
};
