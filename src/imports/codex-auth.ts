import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { AccountStore } from '../store/account-store.js';
import { accountFromGrant } from '../tokens/tokens-from-grant.js';
import { ImportSourceError } from './errors.js';
import { sharedTokenWarning, storeImportedAccount, tokenIssuedAt, type ImportResult } from './import-account.js';

/** The parts of the codex CLI's `auth.json` we use. */
const CodexAuthSchema = z.looseObject({
  last_refresh: z.string().nullish().catch(undefined),
  tokens: z
    .looseObject({
      id_token: z.string().min(1).optional(),
      access_token: z.string().min(1),
      refresh_token: z.string().min(1),
      account_id: z.string().min(1).optional(),
    })
    .nullish(),
});

/** `$CODEX_HOME/auth.json`, else `~/.codex/auth.json`. */
export function defaultCodexAuthPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CODEX_HOME) return path.join(env.CODEX_HOME, 'auth.json');
  return path.join(env.HOME || os.homedir(), '.codex', 'auth.json');
}

export interface ImportCodexOptions {
  /** The codex CLI's auth file; default {@link defaultCodexAuthPath}. */
  path?: string;
  alias?: string;
  /** Replace the stored tokens even when they are newer than the imported ones. */
  force?: boolean;
  env?: NodeJS.ProcessEnv;
  now: number;
}

/** Adds (or updates) the account the codex CLI is signed in with. */
export async function importCodexAuth(store: AccountStore, options: ImportCodexOptions): Promise<ImportResult> {
  const filePath = path.resolve(options.path ?? defaultCodexAuthPath(options.env));
  const raw = await readJson(filePath);
  const parsed = CodexAuthSchema.safeParse(raw);
  if (!parsed.success) throw new ImportSourceError(filePath, 'it is not a codex CLI auth file (expected "tokens" with access_token and refresh_token)');
  const tokens = parsed.data.tokens;
  if (!tokens) throw new ImportSourceError(filePath, 'it holds no ChatGPT sign-in (an API-key login cannot be imported); run "codex login" first');
  const account = accountFromGrant(
    { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, idToken: tokens.id_token },
    { alias: options.alias, origin: 'import-codex', now: options.now, chatgptAccountId: tokens.account_id, source: filePath },
  );
  // When the tokens were issued decides whether they may replace stored ones: never the time of the import.
  const lastRefresh = Date.parse(parsed.data.last_refresh ?? '');
  const fileTime = await fileModifiedAt(filePath, options.now);
  account.tokens.obtainedAt = tokenIssuedAt(tokens.access_token, Number.isFinite(lastRefresh) ? Math.min(lastRefresh, options.now) : fileTime);
  const stored = await storeImportedAccount(store, account, { alias: options.alias, force: options.force });
  return { ...stored, warning: sharedTokenWarning('The codex CLI', filePath, stored.account.alias) };
}

/** When the file was last written (a stand-in for when its tokens were issued), at most `now`. */
export async function fileModifiedAt(filePath: string, now: number): Promise<number> {
  const stat = await fs.promises.stat(filePath).catch(() => undefined);
  return stat ? Math.min(stat.mtimeMs, now) : now;
}

export async function readJson(filePath: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.promises.readFile(filePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ImportSourceError(filePath, code === 'ENOENT' ? 'the file does not exist' : `it could not be read (${code ?? String(error)})`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ImportSourceError(filePath, 'it is not valid JSON');
  }
}
