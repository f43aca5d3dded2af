import { parseDuration } from '../../config/duration.js';
import { setPin } from '../../store/mutations.js';
import { formatSpan, formatMoment } from '../../time/format-time.js';
import { stringOption, type ParsedArgs } from '../args.js';
import type { Command } from '../command.js';
import { writeLine, writeMessage } from '../context.js';
import { UsageError } from '../errors.js';
import { resolveAccount, withStore } from '../open-store.js';
import { accountState } from '../render/account-state.js';

/** The pin's length from `--for`, or undefined for "until unpinned". Throws UsageError. Pure. */
function pinLength(args: ParsedArgs): number | undefined {
  const forText = stringOption(args, 'for');
  if (forText === undefined) return undefined;
  const forMs = parseDuration(forText);
  if (forMs === undefined) throw new UsageError(`--for ${forText} is not a duration (e.g. 2h, 30m, 1h30m).`, 'pin');
  if (forMs <= 0)
    throw new UsageError(
      `--for ${forText} pins for no time at all: give a length above zero (e.g. 2h), or leave --for out to pin until \`opencode-multi-auth unpin\`.`,
      'pin',
    );
  return forMs;
}

export const pin: Command = {
  name: 'pin',
  help: {
    brief: 'send every request to one account',
    usage: 'pin <alias> [--for DURATION]',
    summary:
      'Sends every request to one account, for a while or until `unpin`. A pin never falls back to the other ' +
      'accounts: while the pinned account cannot serve (cooling down, out of quota, needing a new sign-in), ' +
      'requests fail with the reason. Unpin to let the plugin choose again.',
    options: ['--for D         pin for this long only, e.g. 2h or 30m'],
    examples: ['opencode-multi-auth pin work --for 2h'],
  },
  options: { for: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  check: (args) => void pinLength(args),
  async run(context, args) {
    const [alias] = args.positionals as [string];
    const forMs = pinLength(args);
    return withStore(context, async (store, data) => {
      const account = resolveAccount(data, alias);
      const now = context.clock.now();
      const until = forMs === undefined ? undefined : now + forMs;
      await store.update((draft) => setPin(draft, { accountId: account.id, until }));
      writeLine(
        context.stdout,
        until === undefined
          ? `Pinned to ${account.alias} until \`opencode-multi-auth unpin\`.`
          : `Pinned to ${account.alias} for ${formatSpan(forMs!)} (until ${formatMoment(until, now)}).`,
      );
      const state = accountState(account, undefined, now);
      const warning = (() => {
        switch (state.kind) {
          case 'disabled':
            return `${account.alias} is disabled: requests fail until you run \`opencode-multi-auth enable ${account.alias}\`.`;
          case 'relogin-required':
            return `${account.alias} needs a new sign-in (${state.reason}): requests fail until you run \`opencode-multi-auth login ${account.alias}\`.`;
          case 'cooling-down':
            return `${account.alias} is cooling down${state.reason ? ` (${state.reason})` : ''} until ${formatMoment(state.until!, now)}: requests fail until then, or run \`opencode-multi-auth clear ${account.alias}\`.`;
          case 'workspace-deactivated':
            return `${account.alias}'s workspace is deactivated until ${formatMoment(state.until!, now)}: requests fail until then.`;
          case 'active':
            return undefined;
        }
      })();
      if (warning) writeMessage(context.stderr, `Warning: ${warning} The pin never falls back to other accounts.`);
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
  positionals: { min: 0, max: 0 },
  async run(context) {
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
