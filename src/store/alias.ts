import { z } from 'zod';

/*
 * The one rule for an account's alias, used by the command-line tool, the dashboard and the store:
 * trimmed, not empty, letters, digits and . _ - @ + only, at most 64 characters, and unique among
 * the accounts ignoring case (`Work` and `work` would be the same account to a person typing it).
 */

const ALIAS_MAX_LENGTH = 64;
const ALIAS_CHARACTERS = /^[A-Za-z0-9_.@+-]+$/;

/** What the rule accepts, in words, for error messages. */
const ALIAS_RULE = `letters, digits and . _ - @ + (at most ${ALIAS_MAX_LENGTH})`;

export type AliasCheck = { ok: true; alias: string } | { ok: false; problem: string };

/** Checks an alias as typed (surrounding spaces are dropped). Pure. */
export function checkAlias(input: string): AliasCheck {
  const alias = input.trim();
  if (alias === '') return { ok: false, problem: 'an alias cannot be empty' };
  if (alias.length > ALIAS_MAX_LENGTH) return { ok: false, problem: `"${alias.slice(0, 20)}…" is longer than ${ALIAS_MAX_LENGTH} characters` };
  if (!ALIAS_CHARACTERS.test(alias)) return { ok: false, problem: `"${alias}" has characters an alias cannot have: use ${ALIAS_RULE}` };
  return { ok: true, alias };
}

/** The alias as a zod schema (trims; the message names the rule), for request bodies. */
export const AliasSchema = z.string().transform((input, ctx) => {
  const checked = checkAlias(input);
  if (checked.ok) return checked.alias;
  ctx.addIssue({ code: 'custom', message: checked.problem });
  return z.NEVER;
});

/** Whether two aliases name the same account (case is ignored). Pure. */
export function sameAlias(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * A usable alias made from free text (an email's local part): characters outside the rule become
 * `-`, and it is cut to the maximum length. Undefined when nothing usable is left. Pure.
 */
export function aliasFrom(text: string): string | undefined {
  const cleaned = text
    .trim()
    .replace(/[^A-Za-z0-9_.@+-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, ALIAS_MAX_LENGTH);
  return cleaned === '' ? undefined : cleaned;
}

/** An alias was refused by the rule. */
export class InvalidAliasError extends Error {
  override readonly name = 'InvalidAliasError';
  constructor(readonly problem: string) {
    super(`Not a usable alias: ${problem}.`);
  }
}

/** The alias, checked, or an {@link InvalidAliasError}. */
export function requireAlias(input: string): string {
  const checked = checkAlias(input);
  if (!checked.ok) throw new InvalidAliasError(checked.problem);
  return checked.alias;
}
