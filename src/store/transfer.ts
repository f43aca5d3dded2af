import { z } from 'zod';
import { findAccount, recordSnapshot, uniqueAlias, upsertAccount } from './mutations.js';
import { AccountSchema, type Account, type StoreData } from './schema.js';

/*
 * Moving the whole store to another machine (or a backup): `export` writes the accounts to a file,
 * `import` merges them back with the store's own rules, so newer tokens are never replaced by older ones.
 * Pins and session assignments belong to one machine and are not carried.
 */

const EXPORT_FORMAT = 'opencode-multi-auth-codex/accounts';

export const ExportFileSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(1),
  /** When the export was made, epoch ms. */
  exportedAt: z.number(),
  accounts: z.array(AccountSchema),
});
export type ExportFile = z.infer<typeof ExportFileSchema>;

/** The export of a store. Pure. */
export function exportOf(data: StoreData, now: number): ExportFile {
  return { format: EXPORT_FORMAT, version: 1, exportedAt: now, accounts: structuredClone(data.accounts) };
}

/** Reads an export file's text, or names what is wrong with it (never quoting it: it holds tokens). Pure. */
export function parseExport(text: string): { ok: true; file: ExportFile } | { ok: false; problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'it is not valid JSON' };
  }
  if (!raw || typeof raw !== 'object' || (raw as { format?: unknown }).format !== EXPORT_FORMAT) {
    return { ok: false, problem: 'it is not an export of opencode-multi-auth (made by its export command)' };
  }
  const parsed = ExportFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`)
      .join('; ');
    return { ok: false, problem: `it does not have the export's shape (${issues})` };
  }
  return { ok: true, file: parsed.data };
}

/** What importing one account does. */
export interface ImportStep {
  alias: string;
  /** `add`: a new account; `update`: its tokens are newer than the stored ones; `keep`: the store's are as new or newer. */
  action: 'add' | 'update' | 'keep';
  /** For `add`, when the alias was taken by another account and this one gets another. */
  renamedTo?: string;
  /** The stored account's alias, for `update` and `keep`. */
  storedAlias?: string;
}

function importOne(data: StoreData, incoming: Account): ImportStep {
  const stored = findAccount(data, incoming.id);
  if (!stored) {
    const alias = uniqueAlias(data, incoming.alias);
    data.accounts.push({ ...structuredClone(incoming), alias });
    return { alias: incoming.alias, action: 'add', ...(alias !== incoming.alias ? { renamedTo: alias } : {}) };
  }
  const newer = incoming.tokens.obtainedAt > stored.tokens.obtainedAt && incoming.tokens.refreshToken !== stored.tokens.refreshToken;
  upsertAccount(data, incoming);
  if (incoming.usage.fiveHour) recordSnapshot(data, incoming.id, 'fiveHour', incoming.usage.fiveHour);
  if (incoming.usage.weekly) recordSnapshot(data, incoming.id, 'weekly', incoming.usage.weekly);
  return { alias: incoming.alias, action: newer ? 'update' : 'keep', storedAlias: stored.alias };
}

/**
 * Merges an export into `data` with the store's rules: new accounts are added (a taken alias gets a free
 * variant), known ones take the newer token set and the newer usage observations, and keep their alias,
 * settings and health. Returns what happened to each account. Pure (mutates `data` only).
 */
export function applyExport(data: StoreData, file: ExportFile): ImportStep[] {
  return file.accounts.map((account) => importOne(data, account));
}
