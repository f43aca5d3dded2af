import { z } from 'zod';
import { formatDuration, parseDuration } from '../config/duration.js';
import type { AccountStore } from '../store/account-store.js';
import { AccountNotFoundError, AliasTakenError } from '../store/errors.js';
import { findAccount, removeAccount, renameAccount, setEnabled, setPin } from '../store/mutations.js';
import type { Clock } from '../clock.js';
import { AliasSchema, InvalidAliasError } from '../store/alias.js';

/*
 * The store changes the page can ask for, each a parsed body and one `store.update` (durable before
 * the answer goes out). Errors are typed so the server can pick the status; messages say what to do.
 */

/** The request body was not what the action takes. HTTP 400. */
export class BadActionError extends Error {
  override readonly name = 'BadActionError';
}

/** The one alias rule (src/store/alias.ts), as `opencode-multi-auth login [alias]` and `rename` apply it. */
const Alias = AliasSchema;

export const PinBody = z.object({ for: z.string().max(20).optional() }).strict();
export const RenameBody = z.object({ alias: Alias }).strict();
export const RemoveBody = z.object({ confirmAlias: z.string() }).strict();
export const RefreshBody = z.object({ accountId: z.string().min(1).optional() }).strict();
export const SignInBody = z.object({ alias: Alias.optional() }).strict();
export const EmptyBody = z.object({}).strict();

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  throw new BadActionError(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '));
}

export interface ActionContext {
  store: AccountStore;
  clock: Clock;
}

async function requireAccount(store: AccountStore, accountId: string) {
  const account = findAccount(await store.current(), accountId);
  if (!account) throw new AccountNotFoundError(accountId);
  return account;
}

export async function enableAccount(context: ActionContext, accountId: string, enabled: boolean): Promise<{ message: string }> {
  const account = await requireAccount(context.store, accountId);
  await context.store.update((draft) => {
    if (!findAccount(draft, accountId)) throw new AccountNotFoundError(accountId);
    setEnabled(draft, accountId, enabled);
  });
  return { message: `${account.alias} ${enabled ? 'enabled' : 'disabled'}.` };
}

export async function pinAccount(context: ActionContext, accountId: string, body: z.infer<typeof PinBody>): Promise<{ message: string }> {
  const forMs = body.for === undefined || body.for === '' ? undefined : parseDuration(body.for);
  if (body.for && (forMs === undefined || forMs <= 0)) throw new BadActionError(`"${body.for}" is not a duration (e.g. 2h, 30m, 1h30m).`);
  const account = await requireAccount(context.store, accountId);
  const until = forMs === undefined ? undefined : context.clock.now() + forMs;
  await context.store.update((draft) => {
    if (!findAccount(draft, accountId)) throw new AccountNotFoundError(accountId);
    setPin(draft, { accountId, until });
  });
  return { message: forMs === undefined ? `Pinned to ${account.alias} until unpinned.` : `Pinned to ${account.alias} for ${formatDuration(forMs)}.` };
}

export async function unpin(context: ActionContext): Promise<{ message: string }> {
  const data = await context.store.current();
  if (!data.pin) return { message: 'Nothing was pinned.' };
  await context.store.update((draft) => setPin(draft, undefined));
  return { message: 'Unpinned.' };
}

export async function renameTo(context: ActionContext, accountId: string, body: z.infer<typeof RenameBody>): Promise<{ message: string }> {
  const account = await requireAccount(context.store, accountId);
  await context.store.update((draft) => renameAccount(draft, accountId, body.alias));
  return { message: `${account.alias} is now ${body.alias}.` };
}

/** Removing needs the alias typed back: the page asks, and the server checks. */
export async function removeWithConfirmation(context: ActionContext, accountId: string, body: z.infer<typeof RemoveBody>): Promise<{ message: string }> {
  const account = await requireAccount(context.store, accountId);
  if (body.confirmAlias !== account.alias) throw new BadActionError(`To remove ${account.alias}, confirm with its alias.`);
  await context.store.update((draft) => removeAccount(draft, accountId));
  return { message: `${account.alias} removed. Sign in again to add it back.` };
}

/** The HTTP status for an action's error. */
export function statusOfActionError(error: unknown): number {
  if (error instanceof BadActionError || error instanceof InvalidAliasError) return 400;
  if (error instanceof AccountNotFoundError) return 404;
  if (error instanceof AliasTakenError) return 409;
  return 500;
}
