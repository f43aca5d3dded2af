import type { Command } from '../command.js';
import { completionScript, SHELLS, type Shell } from '../completion-scripts.js';
import { UsageError } from '../errors.js';

/** The `completion` command for the command list `listCommands` gives (commands/index.ts, which imports this file). */
export const completionCommand = (listCommands: () => Command[]): Command => ({
  name: 'completion',
  help: {
    brief: 'print shell completion for bash, zsh or fish',
    usage: 'completion <bash|zsh|fish>',
    summary:
      'Prints a completion script for the shell: commands, options and account aliases. Load it in the ' +
      'current shell with `source <(opencode-multi-auth completion bash)` (zsh the same; fish: ' +
      '`opencode-multi-auth completion fish | source`), or save it where the shell loads completions (the ' +
      'first lines of the script say where).',
    examples: ['opencode-multi-auth completion bash', 'opencode-multi-auth completion fish'],
  },
  options: {},
  positionals: { min: 1, max: 1 },
  check(args) {
    const shell = args.positionals[0]!;
    if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`No completion for "${shell}": choose ${SHELLS.join(', ')}.`, 'completion');
  },
  run(context, args) {
    context.stdout.write(completionScript(args.positionals[0] as Shell, listCommands()));
    return Promise.resolve(0);
  },
});
