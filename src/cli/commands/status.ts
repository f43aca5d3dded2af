import { parseDuration } from '../../config/duration.js';
import { formatClock } from '../../time/format-time.js';
import { flag, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { writeJson, writeLine, type CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { withStore } from '../open-store.js';
import { renderRoutingExplanation } from '../render/routing-explanation.js';
import { renderStatus } from '../render/status-table.js';
import { statusView } from '../status-view.js';

function statusCommand(name: 'status' | 'list'): Command {
  return {
    name,
    help: {
      brief: name === 'status' ? 'show accounts, usage and state (--watch to follow)' : 'show accounts, usage and state',
      usage: `${name} [--json | --explain]${name === 'status' ? ' [--watch [--interval 5s]]' : ''}`,
      summary:
        'Shows every account: alias, email, plan, state (active, cooling down until, new sign-in needed and why, ' +
        'disabled, pinned), 5-hour and weekly usage with their reset times, and when it was last used. ' +
        'Usage is as last observed; `refresh` fetches it now.',
      options: [
        '--json          print the status as JSON',
        '--explain       also say where a new session would go now, and why',
        ...(name === 'status' ? ['--watch         redraw in place until Ctrl-C', '--interval D    how often --watch redraws (default 5s)'] : []),
      ],
      examples: name === 'status' ? ['opencode-multi-auth status', 'opencode-multi-auth status --watch --interval 10s'] : ['opencode-multi-auth list'],
    },
    options: {
      json: { type: 'boolean' },
      explain: { type: 'boolean' },
      ...(name === 'status' ? { watch: { type: 'boolean' as const }, interval: { type: 'string' as const } } : {}),
    },
    positionals: { min: 0, max: 0 },
    check(args) {
      const watch = flag(args, 'watch');
      const intervalText = stringOption(args, 'interval');
      if (intervalText !== undefined && !watch) throw new UsageError('--interval only goes with --watch.', name);
      const intervalMs = intervalText === undefined ? 5_000 : parseDuration(intervalText);
      if (intervalMs === undefined || intervalMs < 500) throw new UsageError(`--interval ${intervalText} is not a duration of at least 500ms (e.g. 5s).`, name);
      if (watch && flag(args, 'json'))
        throw new UsageError('--watch and --json do not go together; run `opencode-multi-auth status --json` repeatedly instead.', name);
      if (flag(args, 'explain') && flag(args, 'json')) throw new UsageError('--explain prints text; leave out --json.', name);
    },
    async run(context, args) {
      const watch = flag(args, 'watch');
      const explain = flag(args, 'explain');
      const intervalText = stringOption(args, 'interval');
      const intervalMs = intervalText === undefined ? 5_000 : parseDuration(intervalText)!;
      return withStore(context, async (store, data) => {
        if (flag(args, 'json')) {
          writeJson(context.stdout, statusView(data, store.filePath, context.clock.now()));
          return 0;
        }
        const draw = (current: typeof data) => [
          ...renderStatus(statusView(current, store.filePath, context.clock.now()), { palette: context.palette, width: context.width }),
          ...(explain ? ['', ...renderRoutingExplanation(current, context.clock.now(), context.config, context.palette)] : []),
        ];
        if (!watch) {
          for (const line of draw(data)) writeLine(context.stdout, line);
          return 0;
        }
        return watchStatus(context, async () => draw(await store.reload()), intervalMs);
      });
    },
  };
}

/** Redraws until SIGINT/SIGTERM: in place on a terminal, one block after another otherwise. */
async function watchStatus(context: CliContext, draw: () => Promise<string[]>, intervalMs: number): Promise<number> {
  const inPlace = context.stdout.isTTY === true;
  let previousLines = 0;
  // Widened: `stop` sets it from a signal handler while the loop awaits.
  let stopped = false as boolean;
  let wake: (() => void) | undefined;
  const stop = () => {
    stopped = true;
    wake?.();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    // A reader that went away (`status --watch | head`) ends the watch.
    while (!stopped && !context.stdout.destroyed) {
      const lines = await draw();
      const header = context.palette.dim(
        `Every ${Math.round(intervalMs / 1000)}s, as of ${formatClock(context.clock.now(), context.clock.now())}. Ctrl-C to stop.`,
      );
      const block = [header, ...lines];
      if (inPlace && previousLines > 0) context.stdout.write(`\u001b[${previousLines}A\u001b[J`);
      else if (!inPlace && previousLines > 0) writeLine(context.stdout);
      for (const line of block) writeLine(context.stdout, line);
      previousLines = block.length;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, intervalMs);
      });
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return 0;
}

export const status = statusCommand('status');
export const list = statusCommand('list');
