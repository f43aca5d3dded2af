import { formatDuration, parseDuration } from '../../config/duration.js';
import { setPin } from '../../store/mutations.js';
import { expectPositionals, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { writeLine } from '../context.js';
import { UsageError } from '../errors.js';
import { resolveAccount, withStore } from '../open-store.js';

export const pin: Command = {
  name: 'pin',
  help: {
    brief: 'send every request to one account',
    usage: 'pin <alias> [--for DURATION]',
    summary:
      'Sends every request to one account (while it can serve them), for a while or until `unpin`. ' +
      'When the pinned account is out, the plugin falls back to the others.',
    options: ['--for D         pin for this long only, e.g. 2h or 30m'],
    examples: ['opencode-multi-auth pin work --for 2h'],
  },
  options: { for: { type: 'string' } },
  async run(context, args) {
    const [alias] = expectPositionals('pin', args, 1, 1);
    const forText = stringOption(args, 'for');
    const forMs = forText === undefined ? undefined : parseDuration(forText);
    if (forText !== undefined && (forMs === undefined || forMs <= 0)) throw new UsageError(`--for ${forText} is not a duration (e.g. 2h, 30m, 1h30m).`, 'pin');
    return withStore(context, async (store, data) => {
      const account = resolveAccount(data, alias!);
      const until = forMs === undefined ? undefined : context.clock.now() + forMs;
      await store.update((draft) => setPin(draft, { accountId: account.id, until }));
      writeLine(
        context.stdout,
        until === undefined
          ? `Pinned to ${account.alias} until \`opencode-multi-auth unpin\`.`
          : `Pinned to ${account.alias} for ${formatDuration(forMs!)} (until ${new Date(until).toLocaleString()}).`,
      );
      if (!account.enabled) writeLine(context.stderr, `Note: ${account.alias} is disabled; run \`opencode-multi-auth enable ${account.alias}\` for the pin to take effect.`);
      return 0;
    });
  },
};

export const unpin: Command = {
  name: 'unpin',
  help: {
    brief: 'end a pin',
    usage: 'unpin',
    summary: 'Ends a pin: requests are spread over all accounts again.',
    examples: ['opencode-multi-auth unpin'],
  },
  options: {},
  async run(context, args) {
    expectPositionals('unpin', args, 0, 0);
    return withStore(context, async (store, data) => {
      if (!data.pin) {
        writeLine(context.stdout, 'Nothing was pinned.');
        return 0;
      }
      await store.update((draft) => setPin(draft, undefined));
      writeLine(context.stdout, 'Unpinned.');
      return 0;
    });
  },
};
