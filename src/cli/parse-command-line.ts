import { closestMatch } from '../text/closest-match.js';
import { parseCommandArgs, type ParsedArgs } from './args.js';
import type { Command } from './command.js';
import { COMMANDS } from './commands/index.js';
import { UsageError } from './errors.js';

/** What a command line asks for, decided without any I/O. */
export type CommandLine =
  { kind: 'main-help'; exitCode: number } | { kind: 'command-help'; command: Command } | { kind: 'run'; command: Command; args: ParsedArgs };

function findCommand(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}

/** `Unknown command "lst". Did you mean list?` plus the list of commands. */
function unknownCommandMessage(name: string): string {
  const guess = closestMatch(
    name,
    COMMANDS.map((command) => command.name),
  );
  return `Unknown command "${name}".${guess ? ` Did you mean ${guess}?` : ''} Commands: ${COMMANDS.map((command) => command.name).join(', ')}.`;
}

/**
 * Parses `opencode-multi-auth <argv>`: the command, its options and the number of its arguments.
 * Throws {@link UsageError} for anything the command would refuse before doing I/O. Pure.
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const [first, ...rest] = argv;
  if (first === undefined) return { kind: 'main-help', exitCode: 2 };
  if (first === '--help' || first === '-h') return { kind: 'main-help', exitCode: 0 };
  const name = first === '--version' || first === '-V' ? 'version' : first;
  if (name === 'help') {
    if (rest.length === 0) return { kind: 'main-help', exitCode: 0 };
    const target = findCommand(rest[0]!);
    if (!target) throw new UsageError(unknownCommandMessage(rest[0]!));
    return { kind: 'command-help', command: target };
  }
  if (name.startsWith('-'))
    throw new UsageError(`"${name}" is not a command; options go after the command. Run \`opencode-multi-auth --help\` for the commands.`);
  const command = findCommand(name);
  if (!command) throw new UsageError(unknownCommandMessage(name));
  const args = parseCommandArgs(command.name, [...rest], command.options);
  if (args.values.help === true) return { kind: 'command-help', command };
  const { min, max } = command.positionals;
  if (args.positionals.length < min) throw new UsageError(`Missing argument${min - args.positionals.length > 1 ? 's' : ''}.`, command.name);
  if (args.positionals.length > max) throw new UsageError(`Unexpected argument: ${args.positionals[max]}.`, command.name);
  command.check?.(args);
  return { kind: 'run', command, args };
}
