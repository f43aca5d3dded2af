import { importCodexAuth } from '../../imports/codex-auth.js';
import { importOpenCodeAuth } from '../../imports/opencode-auth.js';
import { ensurePlaceholder } from '../../signin/opencode-auth-record.js';
import { expectPositionals, flag, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { writeJson, writeLine } from '../context.js';
import { UsageError } from '../errors.js';
import { withStore } from '../open-store.js';
import { ensureOpenCodeRecord, type RecordOutcome } from '../opencode-record-step.js';

export const importCommand: Command = {
  name: 'import',
  help: {
    brief: 'add the account the codex CLI or OpenCode is signed in with',
    usage: 'import codex [path] [--alias NAME] | import opencode [--alias NAME]',
    summary:
      'Adds the account another tool is signed in with: the codex CLI (~/.codex/auth.json, or $CODEX_HOME) or ' +
      "OpenCode's own ChatGPT sign-in. That tool keeps the same single-use refresh token, so prefer `login` for " +
      "accounts only the plugin uses. `import opencode` puts the placeholder in place of OpenCode's record, so the " +
      'token has one owner; every import makes sure OpenCode has the record it needs to load the plugin.',
    options: ['--alias NAME    the alias to give the account', '--json          print the result as JSON'],
    examples: ['opencode-multi-auth import codex --alias work', 'opencode-multi-auth import opencode'],
  },
  options: { alias: { type: 'string' }, json: { type: 'boolean' } },
  async run(context, args) {
    const [source, filePath] = expectPositionals('import', args, 1, 2);
    if (source !== 'codex' && source !== 'opencode') throw new UsageError(`Unknown import source "${source}": use "codex" or "opencode".`, 'import');
    if (source === 'opencode' && filePath !== undefined) throw new UsageError('`import opencode` takes no path; it reads OpenCode\'s auth.json.', 'import');
    const alias = stringOption(args, 'alias');
    const json = flag(args, 'json');
    return withStore(context, async (store) => {
      const now = context.clock.now();
      const result =
        source === 'codex'
          ? await importCodexAuth(store, { path: filePath, alias, env: context.env, now })
          : await importOpenCodeAuth(store, { alias, env: context.env, now });
      let openCodeRecord: RecordOutcome;
      if (source === 'opencode') {
        // The account now lives here: OpenCode's copy of the token goes, and the placeholder keeps the plugin loading.
        openCodeRecord = (await ensurePlaceholder({ env: context.env, replaceOAuth: true })).action;
        if (!json && openCodeRecord === 'replaced-oauth')
          writeLine(context.stderr, "Replaced OpenCode's own \"openai\" sign-in with the placeholder: the account is now served by the plugin.");
      } else {
        openCodeRecord = await ensureOpenCodeRecord(context, store, { quiet: json });
      }
      const account = result.account;
      if (json) {
        writeJson(context.stdout, {
          account: { id: account.id, alias: account.alias, email: account.email ?? null, plan: account.plan ?? null },
          created: result.created,
          openCodeRecord,
          warning: source === 'codex' ? result.warning : null,
        });
        return 0;
      }
      const who = account.email ? ` (${account.email})` : '';
      writeLine(context.stdout, `${result.created ? 'Imported' : 'Updated'} ${context.palette.bold(account.alias)}${who} from ${source === 'codex' ? 'the codex CLI' : 'OpenCode'}.`);
      if (source === 'codex') writeLine(context.stderr, result.warning);
      return 0;
    });
  },
};
