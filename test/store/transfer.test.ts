import { describe, expect, it } from 'vitest';
import { applyExport, exportOf, parseExport } from '../../src/store/transfer.js';
import { makeAccount, storeWith } from './factories.js';

describe('export and import of the whole store', () => {
  it('round-trips through text, and refuses text that is not an export without quoting it', () => {
    const data = storeWith(makeAccount(1, { alias: 'work' }));
    const text = JSON.stringify(exportOf(data, 5_000));
    const parsed = parseExport(text);
    expect(parsed.ok && parsed.file.accounts.map((account) => account.alias)).toEqual(['work']);
    expect(parseExport('{"accounts":[]}')).toMatchObject({ ok: false, problem: expect.stringContaining('not an export') as unknown });
    const broken = parseExport(text.replace('"obtainedAt":1000', '"obtainedAt":"x"'));
    expect(broken.ok).toBe(false);
    expect(JSON.stringify(broken)).not.toContain('refresh-1');
    expect(parseExport('not json')).toMatchObject({ ok: false, problem: 'it is not valid JSON' });
  });

  it('adds new accounts, takes newer tokens, never older ones, and keeps local aliases', () => {
    const here = storeWith(
      makeAccount(1, { alias: 'work', tokens: { accessToken: 'a1', refreshToken: 'r1-new', expiresAt: 9e9, obtainedAt: 5_000 } }),
      makeAccount(2, { alias: 'home', tokens: { accessToken: 'a2', refreshToken: 'r2-old', expiresAt: 9e9, obtainedAt: 1_000 } }),
      makeAccount(4, { alias: 'spare' }),
    );
    const there = storeWith(
      makeAccount(1, { alias: 'job', tokens: { accessToken: 'x1', refreshToken: 'r1-old', expiresAt: 9e9, obtainedAt: 2_000 } }),
      makeAccount(2, { alias: 'home', tokens: { accessToken: 'x2', refreshToken: 'r2-new', expiresAt: 9e9, obtainedAt: 3_000 } }),
      makeAccount(3, { alias: 'Spare' }),
    );
    const steps = applyExport(here, exportOf(there, 9_000));
    expect(steps).toEqual([
      { alias: 'job', action: 'keep', storedAlias: 'work' },
      { alias: 'home', action: 'update', storedAlias: 'home' },
      { alias: 'Spare', action: 'add', renamedTo: 'Spare-2' },
    ]);
    expect(here.accounts.map((account) => [account.alias, account.tokens.refreshToken])).toEqual([
      ['work', 'r1-new'],
      ['home', 'r2-new'],
      ['spare', expect.any(String)],
      ['Spare-2', expect.any(String)],
    ]);
  });
});
