import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { AccountStore } from '../store/account-store.js';
import { accountFromGrant } from '../tokens/tokens-from-grant.js';
import { fileModifiedAt, readJson } from './codex-auth.js';
import { ImportSourceError } from './errors.js';
import { sharedTokenWarning, storeImportedAccount, tokenIssuedAt, type ImportResult } from './import-account.js';

const OpenCodeAuthSchema = z.looseObject({
  openai: z
    .looseObject({
      type: z.string(),
      refresh: z.string().min(1).optional(),
      access: z.string().min(1).optional(),
      /** Access token expiry, epoch ms. */
      expires: z.number().optional(),
      accountId: z.string().min(1).optional(),
    })
    .optional(),
});

/** `$XDG_DATA_HOME/opencode/auth.json`, else `~/.local/share/opencode/auth.json`. */
export function defaultOpenCodeAuthPath(env: NodeJS.ProcessEnv = process.env): string {
  const dataHome = env.XDG_DATA_HOME || path.join(env.HOME || os.homedir(), '.local', 'share');
  return path.join(dataHome, 'opencode', 'auth.json');
}

export interface ImportOpenCodeOptions {
  alias?: string;
  /** Replace the stored tokens even when they are newer than the imported ones. */
  force?: boolean;
  env?: NodeJS.ProcessEnv;
  now: number;
  /** Override the auth file (tests, unusual layouts); default {@link defaultOpenCodeAuthPath}. */
  path?: string;
}

/** Adds (or updates) the account of OpenCode's own ChatGPT sign-in (the `openai` OAuth record). */
export async function importOpenCodeAuth(store: AccountStore, options: ImportOpenCodeOptions): Promise<ImportResult> {
  const filePath = path.resolve(options.path ?? defaultOpenCodeAuthPath(options.env));
  const parsed = OpenCodeAuthSchema.safeParse(await readJson(filePath));
  if (!parsed.success) throw new ImportSourceError(filePath, 'it is not an OpenCode auth file');
  const record = parsed.data.openai;
  if (!record) throw new ImportSourceError(filePath, 'it has no "openai" record; sign in with "opencode auth login" first');
  if (record.type !== 'oauth' || !record.refresh || !record.access) {
    throw new ImportSourceError(filePath, `its "openai" record is a ${record.type} record, not a ChatGPT sign-in (oauth)`);
  }
  const account = accountFromGrant(
    { accessToken: record.access, refreshToken: record.refresh },
    { alias: options.alias, origin: 'import-opencode', now: options.now, chatgptAccountId: record.accountId, source: filePath },
  );
  if (record.expires !== undefined) account.tokens.expiresAt = record.expires;
  account.tokens.obtainedAt = tokenIssuedAt(record.access, await fileModifiedAt(filePath, options.now));
  const stored = await storeImportedAccount(store, account, { alias: options.alias, force: options.force });
  return { ...stored, warning: sharedTokenWarning('OpenCode', filePath, stored.account.alias) };
}
