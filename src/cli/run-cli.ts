import { readConfig } from '../config/config.js';
import { systemClock } from '../clock.js';
import { InvalidAliasError } from '../store/alias.js';
import { AliasTakenError, StoreLockTimeoutError, StoreUnreadableError } from '../store/errors.js';
import { renderHelp } from './command.js';
import { COMMANDS } from './commands/index.js';
import { writeMessage, type CliContext } from './context.js';
import { CommandFailedError, EXIT, UsageError } from './errors.js';
import { browserOpener } from './open-browser.js';
import { parseCommandLine } from './parse-command-line.js';
import { createPalette, shouldUseColor } from './render/colors.js';
import { fetchWithDeadlines, SMALL_REPLY_DEADLINES } from '../http/http-client.js';

export type CliIo = Pick<CliContext, 'stdin' | 'stdout' | 'stderr'> & { env: NodeJS.ProcessEnv; fetch?: typeof fetch };

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    'Usage: opencode-multi-auth <command> [options]',
    '',
    "Several ChatGPT accounts for OpenCode's Codex models, rotated when one runs out.",
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
  let commandName: string | undefined;
  try {
    const line = parseCommandLine(argv);
    if (line.kind === 'main-help') {
      io.stdout.write(mainHelp());
      return line.exitCode;
    }
    if (line.kind === 'command-help') {
      io.stdout.write(renderHelp(line.command.name, line.command.help));
      return EXIT.ok;
    }
    const { command, args } = line;
    commandName = command.name;
    const { config, problems } = readConfig(io.env);
    // doctor reports bad settings itself; every other command stops, since it would act on the wrong store or server.
    if (problems.length > 0 && command.name !== 'doctor' && command.name !== 'version' && command.name !== 'completion') {
      for (const problem of problems) writeMessage(io.stderr, problem.message.replace(/ (Using the default instead|It is ignored)\.$/, ''));
      writeMessage(io.stderr, 'Fix or unset these variables, then run the command again.');
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
      writeMessage(io.stderr, error.message);
      const command = COMMANDS.find((candidate) => candidate.name === (error.command ?? commandName));
      if (command) {
        writeMessage(io.stderr, `Usage: opencode-multi-auth ${command.help.usage}`);
        writeMessage(io.stderr, `Run \`opencode-multi-auth ${command.name} --help\` for more.`);
      } else {
        writeMessage(io.stderr, 'Run `opencode-multi-auth --help` for what each command does.');
      }
      return EXIT.usage;
    }
    if (error instanceof InvalidAliasError) {
      writeMessage(io.stderr, error.message);
      return EXIT.usage;
    }
    if (
      error instanceof CommandFailedError ||
      error instanceof StoreUnreadableError ||
      error instanceof StoreLockTimeoutError ||
      error instanceof AliasTakenError
    ) {
      writeMessage(io.stderr, error.message);
      return EXIT.failed;
    }
    writeMessage(io.stderr, error instanceof Error ? error.message : String(error));
    return EXIT.failed;
  }
}
