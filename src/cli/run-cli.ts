import { readConfig } from '../config/config.js';
import { systemClock } from '../clock.js';
import { StoreLockTimeoutError, StoreUnreadableError } from '../store/errors.js';
import { parseCommandArgs } from './args.js';
import { renderHelp } from './command.js';
import { COMMANDS } from './commands/index.js';
import { writeLine, type CliContext } from './context.js';
import { CommandFailedError, EXIT, UsageError } from './errors.js';
import { browserOpener } from './open-browser.js';
import { createPalette, shouldUseColor } from './render/colors.js';
import { fetchWithDeadlines, SMALL_REPLY_DEADLINES } from '../http/http-client.js';

export type CliIo = Pick<CliContext, 'stdin' | 'stdout' | 'stderr'> & { env: NodeJS.ProcessEnv; fetch?: typeof fetch };

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    'Usage: opencode-multi-auth <command> [options]',
    '',
    'Several ChatGPT accounts for OpenCode\'s Codex models, rotated when one runs out.',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.help.brief}`),
    '',
    'Run `opencode-multi-auth <command> --help` for its options and an example.',
    'Exit codes: 0 done, 1 failed, 2 bad usage.',
    '',
  ].join('\n');
}

/** Runs one command line and returns the exit code. Never calls process.exit. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' ? COMMANDS.find((command) => command.name === rest[0]) : undefined;
    io.stdout.write(target ? renderHelp(target.name, target.help) : mainHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    writeLine(io.stderr, `Unknown command "${name}". Commands: ${COMMANDS.map((candidate) => candidate.name).join(', ')}.`);
    writeLine(io.stderr, 'Run `opencode-multi-auth --help` for what each does.');
    return EXIT.usage;
  }
  try {
    const args = parseCommandArgs(command.name, rest, command.options);
    if (args.values.help === true) {
      io.stdout.write(renderHelp(command.name, command.help));
      return EXIT.ok;
    }
    const { config, problems } = readConfig(io.env);
    // doctor reports bad settings itself; every other command stops, since it would act on the wrong store or server.
    if (problems.length > 0 && command.name !== 'doctor') {
      for (const problem of problems) writeLine(io.stderr, problem.message.replace(/ (Using the default instead|It is ignored)\.$/, ''));
      writeLine(io.stderr, 'Fix or unset these variables, then run the command again.');
      return EXIT.usage;
    }
    const isTTY = io.stdout.isTTY === true;
    const context: CliContext = {
      env: io.env,
      config,
      clock: systemClock,
      stdin: io.stdin,
      stdout: io.stdout,
      stderr: io.stderr,
      palette: createPalette(shouldUseColor(io.env, isTTY)),
      width: Math.max(40, Math.min(isTTY ? (io.stdout.columns ?? 80) : 80, 120)),
      fetch: fetchWithDeadlines(io.fetch ?? fetch, SMALL_REPLY_DEADLINES),
      openBrowser: browserOpener(io.env, isTTY),
    };
    return await command.run(context, args);
  } catch (error) {
    if (error instanceof UsageError) {
      writeLine(io.stderr, error.message);
      writeLine(io.stderr, `Usage: opencode-multi-auth ${command.help.usage}`);
      writeLine(io.stderr, `Run \`opencode-multi-auth ${command.name} --help\` for more.`);
      return EXIT.usage;
    }
    if (error instanceof CommandFailedError || error instanceof StoreUnreadableError || error instanceof StoreLockTimeoutError) {
      writeLine(io.stderr, error.message);
      return EXIT.failed;
    }
    writeLine(io.stderr, error instanceof Error ? error.message : String(error));
    return EXIT.failed;
  }
}
