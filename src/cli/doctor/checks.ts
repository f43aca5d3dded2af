import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readConfig } from '../../config/config.js';
import { AccountStore } from '../../store/account-store.js';
import type { StoreData } from '../../store/schema.js';
import { classifyOpenAiRecord, readOpenCodeAuth } from '../../signin/opencode-auth-record.js';
import { TokenKeeper } from '../../tokens/token-keeper.js';
import { UsageClient } from '../../usage/usage-client.js';
import type { CliContext } from '../context.js';
import type { DoctorJson } from '../json-schemas.js';
import { statusView } from '../status-view.js';
import { fetchBypasses } from '../../plugin/fetch-bypass.js';
import { findPluginSpec, openCodeConfigCandidates, parseJsonc } from './opencode-config.js';

export type Check = DoctorJson['checks'][number];

const ok = (name: string, message: string): Check => ({ name, level: 'ok', message, fix: null });
const warn = (name: string, message: string, fix: string): Check => ({ name, level: 'warn', message, fix });
const fail = (name: string, message: string, fix: string): Check => ({ name, level: 'fail', message, fix });

/** The root of this package (two levels above src/cli/doctor or dist/cli/doctor). */
function packageDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

async function modeOf(filePath: string): Promise<number | undefined> {
  return fs.stat(filePath).then(
    (stat) => stat.mode & 0o777,
    () => undefined,
  );
}

export function checkConfig(context: CliContext): Check {
  const { problems } = readConfig(context.env);
  if (problems.length === 0) return ok('config', 'The OPENCODE_MULTI_AUTH_* settings are valid.');
  return fail('config', problems.map((problem) => problem.message).join(' '), 'Fix or unset the variables named above.');
}

/** OpenCode settings that would route model requests around the plugin (see fetch-bypass.ts). */
export function checkFetchBypass(context: CliContext): Check {
  const bypasses = fetchBypasses(context.env);
  if (bypasses.length === 0) return ok('opencode fetch', "Nothing in this environment keeps OpenCode from calling the plugin's fetch.");
  return warn(
    'opencode fetch',
    bypasses.map((bypass) => `${bypass.variable}=${bypass.value} is set: ${bypass.why}, so no account of this plugin is used.`).join(' '),
    `Unset ${bypasses.map((bypass) => bypass.variable).join(' and ')} in the environment OpenCode starts from.`,
  );
}

export async function checkStore(context: CliContext, store: AccountStore): Promise<{ checks: Check[]; data?: StoreData }> {
  const checks: Check[] = [];
  const dirMode = await modeOf(store.dir);
  const fileMode = await modeOf(store.filePath);
  if (dirMode !== undefined && (dirMode & 0o077) !== 0)
    checks.push(warn('store permissions', `${store.dir} is mode ${dirMode.toString(8)}: other users may read it.`, `chmod 700 ${store.dir}`));
  if (fileMode !== undefined && (fileMode & 0o077) !== 0)
    checks.push(warn('store permissions', `${store.filePath} is mode ${fileMode.toString(8)}: other users may read the tokens.`, `chmod 600 ${store.filePath}`));
  let data: StoreData | undefined;
  try {
    data = await store.load();
    checks.unshift(
      fileMode === undefined
        ? warn('store', `No account store yet at ${store.filePath}.`, 'Add an account with `opencode-multi-auth login`.')
        : ok('store', `${store.filePath}: ${data.accounts.length} account${data.accounts.length === 1 ? '' : 's'}.`),
    );
  } catch (error) {
    checks.unshift(fail('store', (error as Error).message, 'See the message: recover the file or move it away.'));
  }
  const lock = await fs.stat(store.lockPath).catch(() => undefined);
  if (!lock) checks.push(ok('lock', 'The store is not locked.'));
  else {
    const holder = await fs
      .readFile(store.lockPath, 'utf8')
      .then((text) => JSON.parse(text) as { pid?: number; host?: string })
      .catch(() => ({}) as { pid?: number; host?: string });
    const ageMs = context.clock.now() - lock.mtimeMs;
    const alive = holder.pid !== undefined && holder.host === os.hostname() ? isAlive(holder.pid) : undefined;
    if (alive === false || ageMs > 60_000)
      checks.push(
        warn('lock', `${store.lockPath} is held${holder.pid ? ` by pid ${holder.pid}` : ''} for ${Math.round(ageMs / 1000)}s${alive === false ? ', and that process is gone' : ''}.`, `If no OpenCode or opencode-multi-auth process is running, delete ${store.lockPath}.`),
      );
    else checks.push(ok('lock', `The store is locked right now by pid ${holder.pid ?? '?'} (a write in progress).`));
  }
  return { checks, data };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function checkOpenCodeConfig(context: CliContext): Promise<Check> {
  const name = 'opencode config';
  const fix = `Add "${'opencode-multi-auth-codex'}" to the "plugin" list in ${openCodeConfigCandidates(context.env)[0]}.`;
  if (context.env.OPENCODE_CONFIG_CONTENT) {
    try {
      const spec = findPluginSpec(parseJsonc(context.env.OPENCODE_CONFIG_CONTENT), packageDir());
      if (spec) return ok(name, `OPENCODE_CONFIG_CONTENT loads the plugin (${spec}).`);
    } catch {
      // fall through to the files
    }
  }
  const found: string[] = [];
  for (const file of openCodeConfigCandidates(context.env)) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch {
      continue;
    }
    found.push(file);
    let config: unknown;
    try {
      config = parseJsonc(text);
    } catch (error) {
      return fail(name, `${file} is not valid JSON: ${(error as Error).message}.`, `Fix ${file}; OpenCode cannot read it either.`);
    }
    const spec = findPluginSpec(config, packageDir());
    if (spec) return ok(name, `${file} loads the plugin (${spec}).`);
  }
  if (found.length === 0) return fail(name, `No OpenCode config found (${openCodeConfigCandidates(context.env).join(', ')}).`, fix);
  return fail(name, `${found.join(' and ')} do${found.length === 1 ? 'es' : ''} not list the plugin.`, fix);
}

export async function checkOpenCodeAuth(context: CliContext): Promise<Check> {
  const name = 'opencode auth';
  try {
    const file = await readOpenCodeAuth(context.env);
    const record = classifyOpenAiRecord(file.data);
    switch (record.kind) {
      case 'placeholder':
        return ok(name, `${file.filePath} has the "openai" placeholder.`);
      case 'missing':
        return fail(name, `${file.filePath} has no "openai" record, so OpenCode never calls the plugin.`, 'Run `opencode-multi-auth login` (or any import); it adds the placeholder.');
      case 'oauth':
        return warn(name, `${file.filePath} holds OpenCode's own ChatGPT sign-in${record.email ? ` (${record.email})` : ''}; OpenCode and the plugin may both spend its refresh token.`, 'Run `opencode-multi-auth import opencode` to move it here.');
      case 'api-key':
        return ok(name, `${file.filePath} has an OpenAI API key as its "openai" record; the plugin loads with it.`);
      case 'other':
        return warn(name, `${file.filePath} has an "openai" record of type "${record.type}".`, 'If the plugin does not load, remove it with `opencode auth logout` and run `opencode-multi-auth login`.');
    }
  } catch (error) {
    return fail(name, (error as Error).message, 'Fix or move the file, then run `opencode-multi-auth login`.');
  }
}

export async function checkUsageEndpoint(context: CliContext, store: AccountStore, data: StoreData | undefined): Promise<Check> {
  const name = 'usage endpoint';
  const account = data?.accounts.find((candidate) => candidate.enabled && !candidate.health.reloginRequired);
  if (!account) return warn(name, 'Not checked: no account that can be used.', 'Add an account with `opencode-multi-auth login`.');
  const tokens = new TokenKeeper({ store, issuer: context.config.authIssuer, clock: context.clock, fetch: context.fetch, refreshMarginMs: context.config.tokenRefreshMargin });
  const client = new UsageClient({ baseUrl: context.config.codexBaseUrl, fetch: context.fetch, timeoutMs: 10_000, challengeRetries: 1 });
  try {
    const accessToken = await tokens.accessToken(account.id);
    const read = await client.read({ accessToken, chatgptAccountId: account.chatgptAccountId, preferredRoute: data?.usageRoute[context.config.codexBaseUrl], accountId: account.id });
    const route = read.route === 'codex' ? '/codex/usage' : '/wham/usage';
    return ok(name, `${context.config.codexBaseUrl}${route} answers (checked with ${account.alias}).`);
  } catch (error) {
    return fail(name, `Checked with ${account.alias}: ${(error as Error).message}`, 'Check the network; if the account is at fault, see its line below.');
  }
}

export function checkAccounts(context: CliContext, store: AccountStore, data: StoreData | undefined): Check[] {
  if (!data) return [];
  const view = statusView(data, store.filePath, context.clock.now());
  const attention = view.accounts.filter((account) => account.advice !== null && account.state !== 'cooling-down');
  if (attention.length === 0) return data.accounts.length > 0 ? [ok('accounts', 'No account needs attention.')] : [];
  return attention.map((account) =>
    (account.state === 'relogin-required' ? fail : warn)(`account ${account.alias}`, `${account.alias} needs attention: ${account.state}${account.reason ? ` (${account.reason})` : ''}.`, account.advice!),
  );
}
