import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closestMatch } from '../text/closest-match.js';
import { UsageError } from './errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Options every command takes. */
const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

/** `parseArgs`, strict, with its errors turned into a {@link UsageError} for `command`. */
export function parseCommandArgs(command: string, argv: string[], options: OptionSpec): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
    return { values, positionals };
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '.');
    const unknown = /^Unknown option '(-{1,2}[^']+)'/.exec(message)?.[1];
    if (unknown) {
      const known = Object.keys({ ...COMMON_OPTIONS, ...options }).map((name) => `--${name}`);
      const guess = closestMatch(unknown.replace(/=.*$/, ''), known);
      throw new UsageError(`Unknown option '${unknown}' for ${command}.${guess ? ` Did you mean ${guess}?` : ''}`, command);
    }
    throw new UsageError(message, command);
  }
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}
