import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readTokenIdentity } from '../store/jwt-claims.js';

/**
 * The key of the `openai` record this tool puts in OpenCode's auth.json. OpenCode only calls the plugin's
 * auth loader when it has a record for the provider; the plugin ignores the key itself.
 */
export const PLACEHOLDER_API_KEY = 'opencode-multi-auth-codex';

const PROVIDER_ID = 'openai';

/** `$XDG_DATA_HOME/opencode/auth.json`, else `~/.local/share/opencode/auth.json`. */
export function openCodeAuthPath(env: NodeJS.ProcessEnv = process.env): string {
  const dataHome = env.XDG_DATA_HOME || path.join(env.HOME || os.homedir(), '.local', 'share');
  return path.join(dataHome, 'opencode', 'auth.json');
}

function placeholderRecord(): { type: 'api'; key: string } {
  return { type: 'api', key: PLACEHOLDER_API_KEY };
}

/** What OpenCode's `openai` record is, as far as this tool cares. */
export type OpenAiRecordKind =
  /** No record: OpenCode would never call the plugin. */
  | { kind: 'missing' }
  /** Ours. */
  | { kind: 'placeholder' }
  /** OpenCode's own ChatGPT sign-in: a real account this tool can import. */
  | { kind: 'oauth'; email?: string }
  /** A real OpenAI API key: it also makes OpenCode call the plugin, and it is the user's, so it stays. */
  | { kind: 'api-key' }
  /** Something else (e.g. `wellknown`): left alone. */
  | { kind: 'other'; type: string };

/** Classifies the `openai` entry of a parsed auth.json. Pure. */
export function classifyOpenAiRecord(authJson: Record<string, unknown>): OpenAiRecordKind {
  const record = authJson[PROVIDER_ID];
  if (record === undefined || record === null || typeof record !== 'object') return { kind: 'missing' };
  const { type, key, access } = record as { type?: unknown; key?: unknown; access?: unknown };
  if (type === 'api') return key === PLACEHOLDER_API_KEY ? { kind: 'placeholder' } : { kind: 'api-key' };
  if (type === 'oauth') return { kind: 'oauth', email: typeof access === 'string' ? readTokenIdentity(access).email : undefined };
  return { kind: 'other', type: String(type) };
}

/** OpenCode's auth.json could not be read as a JSON object; it is never overwritten then. */
export class OpenCodeAuthUnreadableError extends Error {
  override readonly name = 'OpenCodeAuthUnreadableError';
  constructor(
    readonly filePath: string,
    readonly problem: string,
  ) {
    super(`OpenCode's ${filePath} could not be read (${problem}), so it was left as it is. Fix or move the file, then run this again.`);
  }
}

export interface OpenCodeAuthFile {
  filePath: string;
  exists: boolean;
  data: Record<string, unknown>;
}

export async function readOpenCodeAuth(env: NodeJS.ProcessEnv = process.env): Promise<OpenCodeAuthFile> {
  const filePath = openCodeAuthPath(env);
  let text: string;
  try {
    text = await fs.readFile(filePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { filePath, exists: false, data: {} };
    throw new OpenCodeAuthUnreadableError(filePath, (error as Error).message);
  }
  if (text.trim() === '') return { filePath, exists: true, data: {} };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new OpenCodeAuthUnreadableError(filePath, `not JSON: ${(error as Error).message}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new OpenCodeAuthUnreadableError(filePath, 'not a JSON object');
  return { filePath, exists: true, data: data as Record<string, unknown> };
}

/** Writes the whole file atomically (temp file + rename) with mode 0600. */
async function writeOpenCodeAuth(filePath: string, data: Record<string, unknown>): Promise<void> {
  await fs.mkdir(path.dirname(filePath), { recursive: true, mode: 0o700 });
  const temp = `${filePath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fs.writeFile(temp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    await fs.chmod(temp, 0o600);
    await fs.rename(temp, filePath);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

export type EnsurePlaceholderResult =
  | { action: 'added'; filePath: string }
  | { action: 'already-present'; filePath: string }
  | { action: 'replaced-oauth'; filePath: string }
  /** A real record was found and left alone; `record` says which. */
  | { action: 'kept'; filePath: string; record: Exclude<OpenAiRecordKind, { kind: 'missing' } | { kind: 'placeholder' }> };

export interface EnsurePlaceholderOptions {
  env?: NodeJS.ProcessEnv;
  /** Replace a real `oauth` record (only after its account was imported, or the user agreed). Default false. */
  replaceOAuth?: boolean;
}

/**
 * Makes sure OpenCode has an `openai` record so it calls the plugin. Adds the placeholder where there is none;
 * replaces an OAuth record only when asked; never touches an API key or other providers' records.
 */
export async function ensurePlaceholder(options: EnsurePlaceholderOptions = {}): Promise<EnsurePlaceholderResult> {
  const file = await readOpenCodeAuth(options.env);
  const record = classifyOpenAiRecord(file.data);
  switch (record.kind) {
    case 'placeholder':
      return { action: 'already-present', filePath: file.filePath };
    case 'missing':
      await writeOpenCodeAuth(file.filePath, { ...file.data, [PROVIDER_ID]: placeholderRecord() });
      return { action: 'added', filePath: file.filePath };
    case 'oauth':
      if (!options.replaceOAuth) return { action: 'kept', filePath: file.filePath, record };
      await writeOpenCodeAuth(file.filePath, { ...file.data, [PROVIDER_ID]: placeholderRecord() });
      return { action: 'replaced-oauth', filePath: file.filePath };
    default:
      return { action: 'kept', filePath: file.filePath, record };
  }
}
