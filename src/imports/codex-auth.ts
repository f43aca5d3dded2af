import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { AccountStore } from '../store/account-store.js';
import { accountFromGrant } from '../tokens/tokens-from-grant.js';
import { ImportSourceError } from './errors.js';
import { sharedTokenWarning, storeImportedAccount, type ImportResult } from './import-account.js';

/** The parts of the codex CLI's `auth.json` we use. */
const CodexAuthSchema = z.looseObject({
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
  const stored = await storeImportedAccount(store, account, { alias: options.alias });
  return { ...stored, warning: sharedTokenWarning('The codex CLI', filePath, stored.account.alias) };
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
