import type { AccountStore } from '../store/account-store.js';
import { OlderTokensError } from '../imports/errors.js';
import { importOpenCodeAuth } from '../imports/opencode-auth.js';
import { ensurePlaceholder, type EnsurePlaceholderResult } from '../signin/opencode-auth-record.js';
import { writeMessage, type CliContext } from './context.js';
import { confirm } from './prompt.js';

/** What happened to OpenCode's `openai` record; printed by --json as `openCodeRecord`. */
export type RecordOutcome = EnsurePlaceholderResult['action'] | 'imported-and-replaced';

/**
 * After `login` or an import: makes sure OpenCode has an `openai` record so it loads the plugin next time.
 * Adds the placeholder where there is none. A real OAuth record is never overwritten silently: on a terminal
 * the user is offered to import it and put the placeholder in its place; otherwise they are told how.
 */
export async function ensureOpenCodeRecord(context: CliContext, store: AccountStore, options: { quiet?: boolean } = {}): Promise<RecordOutcome> {
  const say = (text: string) => {
    if (!options.quiet) writeMessage(context.stderr, text);
  };
  const result = await ensurePlaceholder({ env: context.env });
  switch (result.action) {
    case 'added':
      say(`Added the "openai" placeholder to ${result.filePath}, so OpenCode loads the plugin the next time it starts.`);
      return result.action;
    case 'already-present':
    case 'replaced-oauth':
      return result.action;
    case 'kept':
      break;
  }
  if (result.record.kind === 'api-key') {
    say(`OpenCode has an OpenAI API key as its "openai" record (${result.filePath}); it was left as it is. The plugin loads with it.`);
    return 'kept';
  }
  if (result.record.kind === 'other') {
    say(`OpenCode's "openai" record in ${result.filePath} is of type "${result.record.type}"; it was left as it is.`);
    return 'kept';
  }
  const who = result.record.email ? ` (${result.record.email})` : '';
  say(
    `OpenCode has its own ChatGPT sign-in${who} as its "openai" record in ${result.filePath}. ` +
      "The plugin loads with it, but OpenCode and this tool would then both spend that account's single-use refresh token.",
  );
  if (options.quiet || !context.stdin.isTTY) {
    say('To move that account here and put the placeholder in its place, run `opencode-multi-auth import opencode`.');
    return 'kept';
  }
  if (!(await confirm(context.stdin, context.stderr, 'Import that account here and put the placeholder in its place?', true))) {
    say('Left it as it is.');
    return 'kept';
  }
  try {
    const imported = await importOpenCodeAuth(store, { env: context.env, now: context.clock.now() });
    await ensurePlaceholder({ env: context.env, replaceOAuth: true });
    say(
      `Imported ${imported.account.alias}${imported.account.email ? ` (${imported.account.email})` : ''} and replaced OpenCode's record with the placeholder.`,
    );
  } catch (error) {
    if (!(error instanceof OlderTokensError)) throw error;
    // The account is already here with newer tokens: OpenCode's copy is the stale one, so it goes.
    await ensurePlaceholder({ env: context.env, replaceOAuth: true });
    say(`That account is already here as ${error.alias}, with newer tokens; replaced OpenCode's older copy with the placeholder.`);
  }
  return 'imported-and-replaced';
}
