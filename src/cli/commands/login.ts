import { promises as fs, constants as fsConstants } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { checkAlias } from '../../store/alias.js';
import type { AccountStore } from '../../store/account-store.js';
import { addSignedInAccount, aliasKeptNote, type SignInOrigin } from '../../signin/add-signed-in-account.js';
import { startBrowserSignIn } from '../../signin/browser-flow.js';
import { DEFAULT_CALLBACK_PORTS } from '../../signin/callback-server.js';
import { startDeviceSignIn } from '../../signin/device-flow.js';
import type { Grant } from '../../signin/grant.js';
import { flag, type ParsedArgs } from '../args.js';
import type { Command } from '../command.js';
import { writeJson, writeLine, writeMessage, type CliContext } from '../context.js';
import { CommandFailedError, UsageError } from '../errors.js';
import { withStore } from '../open-store.js';
import { ensureOpenCodeRecord } from '../opencode-record-step.js';

async function browserSignIn(context: CliContext, mode: { listen: boolean; openBrowser: boolean }): Promise<{ grant: Grant; origin: SignInOrigin }> {
  const opener = mode.openBrowser ? context.openBrowser : undefined;
  const out = context.stderr;
  const signIn = await startBrowserSignIn({
    issuer: context.config.authIssuer,
    fetch: context.fetch,
    ports: context.config.callbackPorts,
    listen: mode.listen,
    openBrowser: opener,
    onIgnored: (reason) => writeMessage(out, `The callback server ${reason}; still waiting for this sign-in.`),
  });
  writeMessage(out, opener ? 'Opening the browser to sign in. If it did not open, open this address:' : 'Open this address in a browser to sign in:');
  writeMessage(out);
  writeMessage(out, `  ${signIn.url}`);
  writeMessage(out);
  const address = `http://localhost:${signIn.port}/auth/callback?code=...`;
  writeLine(
    out,
    signIn.listening
      ? `Waiting for the browser on port ${signIn.port}. If the browser runs on another machine (e.g. over SSH), ` +
          `paste here the address it ends on (${address}) and press Enter.`
      : `After signing in, the browser ends on an address that does not load (${address}): paste it here and press Enter.`,
  );
  const lines = readline.createInterface({ input: context.stdin, terminal: false });
  lines.on('line', (line) => {
    if (line.trim() === '') return;
    signIn.submitPaste(line).catch((error: unknown) => writeMessage(out, (error as Error).message));
  });
  try {
    const grant = await signIn.waitForTokens();
    return { grant, origin: signIn.via ?? 'browser' };
  } finally {
    lines.close();
    context.stdin.pause();
    await signIn.close();
  }
}

async function deviceSignIn(context: CliContext): Promise<{ grant: Grant; origin: SignInOrigin }> {
  const signIn = await startDeviceSignIn({ issuer: context.config.authIssuer, fetch: context.fetch });
  const out = context.stderr;
  writeMessage(out, `Open ${signIn.verificationUrl} on any device, sign in, and enter this code:`);
  writeMessage(out);
  writeMessage(out, `  ${context.palette.bold(signIn.userCode)}`);
  writeMessage(out);
  writeMessage(out, 'Waiting for the code to be approved (Ctrl-C to stop)...');
  return { grant: await signIn.waitForTokens(), origin: 'device' };
}

/** The alias and sign-in mode a `login` command line asks for. Throws UsageError. Pure. */
function loginPlan(args: ParsedArgs): { alias?: string; listen: boolean } {
  const typed = args.positionals[0];
  let alias: string | undefined;
  if (typed !== undefined) {
    const checked = checkAlias(typed);
    if (!checked.ok) throw new UsageError(`Not a usable alias: ${checked.problem}.`, 'login');
    alias = checked.alias;
  }
  if (flag(args, 'headless') && flag(args, 'paste')) throw new UsageError('--paste has no use with --headless.', 'login');
  return { alias, listen: !flag(args, 'paste') };
}

/** The store's folder (or the nearest one that exists, where it will be created) must be writable. */
async function assertWritable(store: AccountStore): Promise<void> {
  let dir = store.dir;
  for (;;) {
    try {
      await fs.access(dir, fsConstants.W_OK | fsConstants.X_OK);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && path.dirname(dir) !== dir) {
        dir = path.dirname(dir);
        continue;
      }
      throw new CommandFailedError(
        `Cannot save accounts in ${store.dir}: ${dir} is not writable (${code}). Nothing was signed in; fix the folder's permissions or set OPENCODE_MULTI_AUTH_STORE_DIR, then run the command again.`,
      );
    }
  }
}

export const login: Command = {
  name: 'login',
  help: {
    brief: 'sign in to an account (browser, device code or paste)',
    usage: 'login [alias] [--headless] [--paste] [--json]',
    summary:
      'Signs in to a ChatGPT account and adds it (or, for an account already here, replaces its tokens and clears ' +
      `"new sign-in needed"). Opens a browser with a callback on port ${DEFAULT_CALLBACK_PORTS[0]} (${DEFAULT_CALLBACK_PORTS.slice(1).join(', ')} when taken; ` +
      'the sign-in server accepts no other); where the browser cannot reach this machine, paste the address it ends on. ' +
      '`--headless` uses a device code instead. Also makes sure OpenCode has the "openai" record it needs to load the plugin.',
    options: [
      '--headless      sign in with a code typed on any device',
      '--paste         no callback server: paste the address the browser ends on',
      '--no-browser    print the address instead of opening a browser',
      '--json          print the result as JSON',
    ],
    examples: ['opencode-multi-auth login work', 'opencode-multi-auth login personal --headless'],
  },
  options: {
    headless: { type: 'boolean' },
    'no-browser': { type: 'boolean' },
    paste: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  positionals: { min: 0, max: 1 },
  check: (args) => void loginPlan(args),
  async run(context, args) {
    const { alias, listen } = loginPlan(args);
    return withStore(context, async (store) => {
      // The store was read above; make sure it can be written too, before the user spends a sign-in on it.
      await assertWritable(store);
      const { grant, origin } = flag(args, 'headless')
        ? await deviceSignIn(context)
        : await browserSignIn(context, { listen, openBrowser: !flag(args, 'no-browser') });
      const result = await addSignedInAccount(store, grant, { alias, origin, now: context.clock.now() });
      const account = result.account;
      const openCodeRecord = await ensureOpenCodeRecord(context, store, { quiet: flag(args, 'json') });
      if (flag(args, 'json')) {
        writeJson(context.stdout, {
          account: { id: account.id, alias: account.alias, email: account.email ?? null, plan: account.plan ?? null },
          created: result.created,
          openCodeRecord,
        });
        return 0;
      }
      const who = account.email ? `${account.email}${account.plan ? ` (${account.plan})` : ''}` : account.id;
      writeLine(
        context.stdout,
        result.created
          ? `Signed in as ${who}; added as ${context.palette.bold(account.alias)}.`
          : `Signed in as ${who}; updated ${context.palette.bold(account.alias)} with new tokens.`,
      );
      if (result.aliasTakenBy)
        writeMessage(
          context.stderr,
          `The alias "${alias}" belongs to ${result.aliasTakenBy}, so this account is "${account.alias}" (the \`rename\` command changes it).`,
        );
      const kept = aliasKeptNote(result);
      if (kept) writeMessage(context.stderr, kept);
      return 0;
    });
  },
};
