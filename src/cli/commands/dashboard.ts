import { DEFAULT_DASHBOARD_PORT, startDashboard } from '../../dashboard/server.js';
import { flag, stringOption, type ParsedArgs } from '../args.js';
import type { Command } from '../command.js';
import { writeLine } from '../context.js';
import { CommandFailedError, UsageError } from '../errors.js';
import { withStore } from '../open-store.js';

function portOf(args: ParsedArgs): number {
  const portText = stringOption(args, 'port');
  const port = portText === undefined ? DEFAULT_DASHBOARD_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--port ${portText} is not a port number (0-65535).`, 'dashboard');
  return port;
}

export const dashboard: Command = {
  name: 'dashboard',
  help: {
    brief: 'show the accounts in a browser, live',
    usage: 'dashboard [--port N] [--no-browser]',
    summary:
      'Serves a page on 127.0.0.1 with every account: state and why, 5-hour and weekly usage, requests today, ' +
      'last error and a timeline of the last day, updated live as OpenCode and this tool change the store. ' +
      'From the page you can refresh, enable, disable, pin, rename, remove and sign in. Runs until Ctrl-C.',
    options: ['--port N        listen on port N (default 3434)', '--no-browser    print the address instead of opening a browser'],
    examples: ['opencode-multi-auth dashboard', 'opencode-multi-auth dashboard --port 8080 --no-browser'],
  },
  options: { port: { type: 'string' }, 'no-browser': { type: 'boolean' } },
  positionals: { min: 0, max: 0 },
  check: (args) => void portOf(args),
  async run(context, args) {
    const port = portOf(args);
    return withStore(context, async (store) => {
      const running = await startDashboard({ store, config: context.config, port, clock: context.clock, fetch: context.fetch }).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
          throw new CommandFailedError(`Port ${port} is in use (another dashboard?). Choose another with --port.`);
        throw error;
      });
      writeLine(context.stdout, `Dashboard at ${running.url} (Ctrl-C to stop).`);
      if (!flag(args, 'no-browser')) context.openBrowser?.(running.url);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await running.close();
      writeLine(context.stdout, 'Dashboard stopped.');
      return 0;
    });
  },
};
