import { describe, expect, it } from 'vitest';
import { AliasSchema, aliasFrom, checkAlias, sameAlias } from '../../src/store/alias.js';
import { findAccountByAlias, renameAccount, uniqueAlias } from '../../src/store/mutations.js';
import { AliasTakenError } from '../../src/store/errors.js';
import { InvalidAliasError } from '../../src/store/alias.js';
import { makeAccount, storeWith } from './factories.js';

describe('the alias rule', () => {
  it.each([
    ['work', 'work'],
    ['  work  ', 'work'],
    ['me@example.com', 'me@example.com'],
    ['team_2.b-c+d', 'team_2.b-c+d'],
  ])('accepts %j as %j', (input, alias) => {
    expect(checkAlias(input)).toEqual({ ok: true, alias });
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['bad alias!', /characters an alias cannot have/],
    ['tab\there', /characters/],
    ['x'.repeat(65), /longer than 64/],
    ['ünï', /characters/],
  ])('refuses %j', (input, problem) => {
    const checked = checkAlias(input);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.problem).toMatch(problem);
  });

  it('is the schema the dashboard parses bodies with', () => {
    expect(AliasSchema.parse(' work ')).toBe('work');
    expect(AliasSchema.safeParse('bad alias!').success).toBe(false);
  });

  it('makes a usable alias from an email local part', () => {
    expect(aliasFrom('john doe')).toBe('john-doe');
    expect(aliasFrom('  ')).toBeUndefined();
  });

  it('treats aliases that differ only in case as the same', () => {
    expect(sameAlias('Work', 'work')).toBe(true);
    const work = makeAccount(1, { alias: 'work' });
    const home = makeAccount(2, { alias: 'home' });
    const data = storeWith(work, home);
    expect(findAccountByAlias(data, 'WORK')?.id).toBe(work.id);
    expect(uniqueAlias(data, 'Work')).toBe('Work-2');
    expect(() => renameAccount(data, home.id, 'Work')).toThrow(AliasTakenError);
    expect(() => renameAccount(data, home.id, 'bad alias!')).toThrow(InvalidAliasError);
    renameAccount(data, work.id, 'Work');
    expect(data.accounts[0]!.alias).toBe('Work');
  });
});
