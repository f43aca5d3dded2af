import { promises as fs } from 'node:fs';
import path from 'node:path';
import { importCodexAuth } from '../../imports/codex-auth.js';
import { OlderTokensError } from '../../imports/errors.js';
import type { ImportResult } from '../../imports/import-account.js';
import { importOpenCodeAuth } from '../../imports/opencode-auth.js';
import { ensurePlaceholder } from '../../signin/opencode-auth-record.js';
import { checkAlias } from '../../store/alias.js';
import { applyExport, parseExport, type ImportStep } from '../../store/transfer.js';
import { formatMoment } from '../../time/format-time.js';
import { flag, stringOption, type ParsedArgs } from '../args.js';
import type { Command } from '../command.js';
import { writeJson, writeLine, writeMessage, type CliContext } from '../context.js';
import { CommandFailedError, UsageError } from '../errors.js';
import { withStore } from '../open-store.js';
import { ensureOpenCodeRecord, type RecordOutcome } from '../opencode-record-step.js';

type Source = { kind: 'codex'; path?: string } | { kind: 'opencode' } | { kind: 'file'; path: string };

/** What an `import` command line asks for. Throws UsageError. Pure. */
function importPlan(args: ParsedArgs): { source: Source; alias?: string } {
  const [first, second] = args.positionals as [string, string | undefined];
  const typedAlias = stringOption(args, 'alias');
  let alias: string | undefined;
  if (typedAlias !== undefined) {
    const checked = checkAlias(typedAlias);
    if (!checked.ok) throw new UsageError(`Not a usable alias: ${checked.problem}.`, 'import');
    alias = checked.alias;
  }
  if (first === 'codex') {
    if (flag(args, 'dry-run')) throw new UsageError('--dry-run goes with `import <file>` only.', 'import');
    return { source: { kind: 'codex', path: second }, alias };
  }
  if (first === 'opencode') {
    if (second !== undefined) throw new UsageError("`import opencode` takes no path; it reads OpenCode's auth.json.", 'import');
    if (flag(args, 'dry-run')) throw new UsageError('--dry-run goes with `import <file>` only.', 'import');
    return { source: { kind: 'opencode' }, alias };
  }
  if (second !== undefined)
    throw new UsageError(`Unexpected argument: ${second}. An export file is imported on its own: \`opencode-multi-auth import <file>\`.`, 'import');
  if (alias !== undefined) throw new UsageError('--alias goes with `import codex` and `import opencode`; an export keeps its aliases.', 'import');
  if (flag(args, 'force')) throw new UsageError('--force goes with `import codex` and `import opencode`; an export never replaces newer tokens.', 'import');
  return { source: { kind: 'file', path: first } };
}

function describeStep(step: ImportStep, dryRun: boolean): string {
  const will = (done: string, planned: string) => (dryRun ? planned : done);
  switch (step.action) {
    case 'add':
      return `${step.renamedTo ?? step.alias}: ${will('added', 'would be added')}${step.renamedTo ? ` (the alias "${step.alias}" is taken here)` : ''}`;
    case 'update':
      return `${step.storedAlias}: ${will('newer tokens taken', 'newer tokens would be taken')}`;
    case 'keep':
      return `${step.storedAlias}: ${will('kept', 'would be kept')} (the tokens here are as new or newer)`;
  }
}

async function importExportFile(context: CliContext, filePath: string, dryRun: boolean, json: boolean): Promise<number> {
  const target = path.resolve(filePath);
  let text: string;
  try {
    text = await fs.readFile(target, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CommandFailedError(
      code === 'ENOENT'
        ? `No file ${target}. Give an export made with \`opencode-multi-auth export <file>\`, or \`import codex\` / \`import opencode\`.`
        : `Could not read ${target} (${code ?? String(error)}).`,
    );
  }
  const parsed = parseExport(text);
  if (!parsed.ok) throw new CommandFailedError(`Cannot import ${target}: ${parsed.problem}. Nothing was changed.`);
  return withStore(context, async (store, data) => {
    let steps: ImportStep[];
    if (dryRun) steps = applyExport(structuredClone(data), parsed.file);
    else {
      steps = [];
      await store.update((draft) => {
        steps = applyExport(draft, parsed.file);
      });
    }
    if (json) {
      writeJson(context.stdout, { dryRun, steps });
      return 0;
    }
    const exportedAt = formatMoment(parsed.file.exportedAt, context.clock.now());
    writeLine(context.stdout, `${dryRun ? 'Dry run: nothing is written.' : 'Imported'} ${target} (exported ${exportedAt}):`);
    for (const step of steps) writeLine(context.stdout, `  ${describeStep(step, dryRun)}`);
    if (dryRun) writeLine(context.stdout, `Run \`opencode-multi-auth import ${target}\` to do it.`);
    return 0;
  });
}

function aliasNotes(result: ImportResult, asked: string | undefined): string[] {
  const notes: string[] = [];
  if (result.aliasTakenBy) notes.push(`The alias "${asked}" belongs to ${result.aliasTakenBy}, so this account is "${result.account.alias}".`);
  if (result.aliasKept)
    notes.push(
      `This is the account already stored as "${result.account.alias}"; it keeps that alias. ` +
        `To call it "${result.aliasKept.asked}", run \`opencode-multi-auth rename ${result.account.alias} ${result.aliasKept.asked}\`.`,
    );
  return notes;
}

export const importCommand: Command = {
  name: 'import',
  help: {
    brief: 'add the account the codex CLI or OpenCode is signed in with, or an export',
    usage: 'import codex [path] [--alias NAME] [--force] | import opencode [--alias NAME] [--force] | import <file> [--dry-run]',
    summary:
      'Adds the account another tool is signed in with: the codex CLI (~/.codex/auth.json, or $CODEX_HOME) or ' +
      "OpenCode's own ChatGPT sign-in. That tool keeps the same single-use refresh token, so prefer `login` for " +
      "accounts only the plugin uses. `import opencode` puts the placeholder in place of OpenCode's record, so the " +
      'token has one owner. Tokens older than the ones stored are refused (they have most likely been spent), ' +
      'and an account already here keeps its alias. `import <file>` merges an `export`: new accounts are added, ' +
      'known ones take only newer tokens.',
    options: [
      '--alias NAME    the alias for a new account',
      '--force         replace stored tokens even with older ones',
      '--dry-run       show what importing a file would do, write nothing',
      '--json          print the result as JSON',
    ],
    examples: [
      'opencode-multi-auth import codex --alias work',
      'opencode-multi-auth import opencode',
      'opencode-multi-auth import ~/accounts-backup.json --dry-run',
    ],
  },
  options: { alias: { type: 'string' }, force: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } },
  positionals: { min: 1, max: 2 },
  check: (args) => void importPlan(args),
  async run(context, args) {
    const { source, alias } = importPlan(args);
    const json = flag(args, 'json');
    if (source.kind === 'file') return importExportFile(context, source.path, flag(args, 'dry-run'), json);
    return withStore(context, async (store) => {
      const now = context.clock.now();
      const force = flag(args, 'force');
      let result: ImportResult;
      try {
        result =
          source.kind === 'codex'
            ? await importCodexAuth(store, { path: source.path, alias, force, env: context.env, now })
            : await importOpenCodeAuth(store, { alias, force, env: context.env, now });
      } catch (error) {
        if (!(error instanceof OlderTokensError)) throw error;
        throw new CommandFailedError(
          `${error.message} (${source.kind === 'codex' ? 'the codex CLI' : 'OpenCode'}'s tokens were issued ${formatMoment(error.importedIssuedAt, now)}; ` +
            `the stored ones ${formatMoment(error.storedObtainedAt, now)}.) To replace them anyway, run the same command with --force.`,
        );
      }
      let openCodeRecord: RecordOutcome;
      if (source.kind === 'opencode') {
        // The account now lives here: OpenCode's copy of the token goes, and the placeholder keeps the plugin loading.
        openCodeRecord = (await ensurePlaceholder({ env: context.env, replaceOAuth: true })).action;
        if (!json && openCodeRecord === 'replaced-oauth')
          writeMessage(context.stderr, 'Replaced OpenCode\'s own "openai" sign-in with the placeholder: the account is now served by the plugin.');
      } else {
        openCodeRecord = await ensureOpenCodeRecord(context, store, { quiet: json });
      }
      const account = result.account;
      if (json) {
        writeJson(context.stdout, {
          account: { id: account.id, alias: account.alias, email: account.email ?? null, plan: account.plan ?? null },
          created: result.created,
          tokens: result.tokens,
          openCodeRecord,
          warning: source.kind === 'codex' ? result.warning : null,
        });
        return 0;
      }
      const who = account.email ? ` (${account.email})` : '';
      const from = source.kind === 'codex' ? 'the codex CLI' : 'OpenCode';
      const what = result.created
        ? `Imported ${context.palette.bold(account.alias)}${who} from ${from}.`
        : result.tokens === 'same'
          ? `${context.palette.bold(account.alias)}${who} already has the tokens ${from} holds; nothing changed.`
          : `Updated ${context.palette.bold(account.alias)}${who} with ${result.tokens === 'older' ? 'the older' : 'newer'} tokens from ${from}.`;
      writeLine(context.stdout, what);
      if (result.tokens === 'older')
        writeMessage(
          context.stderr,
          `Warning: --force replaced newer tokens with older ones; if they were spent, run \`opencode-multi-auth login ${account.alias}\`.`,
        );
      for (const note of aliasNotes(result, alias)) writeMessage(context.stderr, note);
      if (source.kind === 'codex') writeMessage(context.stderr, result.warning);
      return 0;
    });
  },
};
