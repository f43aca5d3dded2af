import readline from 'node:readline';
import { addSignedInAccount, type SignInOrigin } from '../../signin/add-signed-in-account.js';
import { startBrowserSignIn } from '../../signin/browser-flow.js';
import { startDeviceSignIn } from '../../signin/device-flow.js';
import type { Grant } from '../../signin/grant.js';
import { expectPositionals, flag } from '../args.js';
import type { Command } from '../command.js';
import { writeJson, writeLine, type CliContext } from '../context.js';
import { UsageError } from '../errors.js';
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
    onIgnored: (reason) => writeLine(out, `The callback server ${reason}; still waiting for this sign-in.`),
  });
  writeLine(out, opener ? 'Opening the browser to sign in. If it did not open, open this address:' : 'Open this address in a browser to sign in:');
  writeLine(out);
  writeLine(out, `  ${signIn.url}`);
  writeLine(out);
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
    signIn.submitPaste(line).catch((error: Error) => writeLine(out, error.message));
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
  writeLine(out, `Open ${signIn.verificationUrl} on any device, sign in, and enter this code:`);
  writeLine(out);
  writeLine(out, `  ${context.palette.bold(signIn.userCode)}`);
  writeLine(out);
  writeLine(out, 'Waiting for the code to be approved (Ctrl-C to stop)...');
  return { grant: await signIn.waitForTokens(), origin: 'device' };
}

export const login: Command = {
  name: 'login',
  help: {
    brief: 'sign in to an account (browser, device code or paste)',
    usage: 'login [alias] [--headless] [--json]',
    summary:
      'Signs in to a ChatGPT account and adds it (or, for an account already here, replaces its tokens and clears ' +
      '"new sign-in needed"). Opens a browser with a callback on port 1455 (1457 when taken; the sign-in server ' +
      'accepts no other); where the browser cannot reach this machine, paste the address it ends on. `--headless` ' +
      'uses a device code instead. Also makes sure OpenCode has the "openai" record it needs to load the plugin.',
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
  async run(context, args) {
    const [alias] = expectPositionals('login', args, 0, 1);
    if (alias !== undefined && !/^[\w.@+-]{1,64}$/.test(alias)) throw new UsageError(`"${alias}" is not a usable alias: use letters, digits and . _ - @ + (at most 64).`, 'login');
    if (flag(args, 'headless') && flag(args, 'paste')) throw new UsageError('--paste has no use with --headless.', 'login');
    const { grant, origin } = flag(args, 'headless')
      ? await deviceSignIn(context)
      : await browserSignIn(context, { listen: !flag(args, 'paste'), openBrowser: !flag(args, 'no-browser') });
    return withStore(context, async (store) => {
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
      writeLine(context.stdout, result.created ? `Signed in as ${who}; added as ${context.palette.bold(account.alias)}.` : `Signed in as ${who}; updated ${context.palette.bold(account.alias)} with new tokens.`);
      if (result.aliasTakenBy) writeLine(context.stderr, `The alias "${alias}" belongs to another account, so this one is "${account.alias}". Rename with \`opencode-multi-auth rename\`.`);
      return 0;
    });
  },
};
