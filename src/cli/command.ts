import type { ParsedArgs, OptionSpec } from './args.js';
import type { CliContext } from './context.js';
import { wrap } from './render/text-width.js';

export interface CommandHelp {
  /** One line for the command list, lower case, no full stop. */
  brief: string;
  /** `login [alias] [--headless]` */
  usage: string;
  summary: string;
  /** Option lines, already aligned: `--headless   sign in with a device code`. */
  options?: string[];
  examples: string[];
}

/** One sub-command of `opencode-multi-auth`. `run` returns the exit code. */
export interface Command {
  name: string;
  help: CommandHelp;
  options: OptionSpec;
  /** How many positional arguments it takes; checked before `run`. */
  positionals: { min: number; max: number };
  /** Further checks of the command line that need no I/O (throws UsageError); part of parsing. */
  check?(args: ParsedArgs): void;
  run(context: CliContext, args: ParsedArgs): Promise<number>;
}

export function renderHelp(name: string, help: CommandHelp): string {
  const [first, ...alternatives] = help.usage.split(' | ');
  const lines = [`Usage: opencode-multi-auth ${first}`, ...alternatives.map((usage) => `       opencode-multi-auth ${usage}`), '', ...wrap(help.summary, 78)];
  if (help.options?.length) lines.push('', 'Options:', ...help.options.map((line) => `  ${line}`));
  lines.push('  -h, --help      show this help', '', help.examples.length > 1 ? 'Examples:' : 'Example:');
  lines.push(...help.examples.map((example) => `  ${example}`));
  return `${lines.join('\n')}\n`;
}
