import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../src/log/logger.js';
import { AccountStore } from '../../src/store/account-store.js';
import { StoreUnreadableError } from '../../src/store/errors.js';
import { extendCooldown, findAccount, recordRequestServed, recordSnapshot, renameAccount, upsertAccount } from '../../src/store/mutations.js';
import { STORE_VERSION, type StoreData } from '../../src/store/schema.js';
import { makeAccount, removeDir, tempDir } from './factories.js';

let root: string;
let dir: string;
const stores: AccountStore[] = [];
const open = (options: Partial<ConstructorParameters<typeof AccountStore>[0]> = {}) => {
  const store = new AccountStore({ dir, debounceMs: 20, statIntervalMs: 0, ...options });
  stores.push(store);
  return store;
};

beforeEach(() => {
  root = tempDir();
  dir = path.join(root, 'store');
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close().catch(() => {})));
  removeDir(root);
});

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe('AccountStore', () => {
  it('treats a missing file as empty and creates nothing until the first write', async () => {
    const store = open();
    expect((await store.load()).accounts).toEqual([]);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('creates the directory 0700 and the file 0600', async () => {
    const store = open();
    await store.load();
    await store.update((data) => upsertAccount(data, makeAccount(1)));
    expect(mode(dir)).toBe(0o700);
    expect(mode(store.filePath)).toBe(0o600);
    expect(mode(`${store.filePath}.last-good`)).toBe(0o600);
    const onDisk = readStoreJson(store.filePath);
    expect(onDisk.version).toBe(STORE_VERSION);
    expect(onDisk.accounts[0]!.alias).toBe('alias-1');
  });

  it('writes nothing when it only reads, so nothing is left running after load() resolves', async () => {
    // Once, load() saved a last-known-good copy in the background; a reader that was never closed
    // then wrote into the folder while a test removed it (ENOTEMPTY).
    const writer = open();
    await writer.update((data) => upsertAccount(data, makeAccount(1)));
    await writer.close();
    fs.rmSync(`${writer.filePath}.last-good`);
    const before = fs.readdirSync(dir).sort();

    const reader = new AccountStore({ dir, statIntervalMs: 0 });
    await reader.load();
    await reader.reload();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fs.readdirSync(dir).sort()).toEqual(before);
  });

  it('keeps the pre-migration copy when the migrated file was first read by load()', async () => {
    const file = path.join(dir, 'accounts.json');
    fs.mkdirSync(dir, { recursive: true });
    const legacy = { accounts: [{ alias: 'old', accountId: 'acct-9', userId: 'user-9', accessToken: 'a9', refreshToken: 'r9', expiresAt: 5 }] };
    fs.writeFileSync(file, JSON.stringify(legacy));
    const store = open();
    await store.load();
    expect(fs.readdirSync(dir).filter((name) => name.includes('pre-migration'))).toEqual([]);
    await store.update(() => {});
    const copies = fs.readdirSync(dir).filter((name) => name.startsWith('accounts.json.pre-migration-'));
    expect(copies).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, copies[0]!), 'utf8')).toBe(JSON.stringify(legacy));
  });

  it('never loses a change made by another instance: updates merge on the freshest file', async () => {
    const a = open();
    const b = open();
    await a.load();
    await b.load();
    await a.update((data) => upsertAccount(data, makeAccount(1)));
    // b has not seen account 1; its write must still keep it.
    await b.update((data) => upsertAccount(data, makeAccount(2)));
    await a.update((data) => extendCooldown(data, makeAccount(1).id, 5_000, 'quota'));
    await b.update((data) => renameAccount(data, makeAccount(1).id, 'renamed'));
    const fresh = await open().load();
    expect(fresh.accounts.map((x) => x.alias).sort()).toEqual(['alias-2', 'renamed']);
    expect(findAccount(fresh, makeAccount(1).id)!.health.cooldownUntil).toBe(5_000);
  });

  it('shows deferred changes at once, writes them in one batch, and re-applies them onto other writers’ changes', async () => {
    const a = open({ debounceMs: 60_000 });
    const b = open();
    await a.update((data) => upsertAccount(data, makeAccount(1)));
    const id = makeAccount(1).id;
    a.defer((data) => recordRequestServed(data, id, 1_000));
    a.defer((data) => recordRequestServed(data, id, 2_000));
    a.defer((data) => recordSnapshot(data, id, 'fiveHour', { usedPercent: 40, observedAt: 100, source: 'response-headers' }));
    expect(findAccount(a.peek(), id)!.stats.requests).toBe(2);
    const before = fs.statSync(a.filePath).mtimeMs;
    expect(readStoreJson(a.filePath).accounts[0]!.stats.requests).toBe(0);
    // Meanwhile another process records a newer snapshot and another account.
    await b.update((data) => {
      upsertAccount(data, makeAccount(2));
      recordSnapshot(data, id, 'fiveHour', { usedPercent: 70, observedAt: 200, source: 'usage-endpoint' });
    });
    await a.flush();
    expect(fs.statSync(a.filePath).mtimeMs).not.toBe(before);
    const fresh = await open().load();
    const account = findAccount(fresh, id)!;
    expect(account.stats.requests).toBe(2);
    expect(account.usage.fiveHour!.usedPercent).toBe(70);
    expect(fresh.accounts).toHaveLength(2);
  });

  it('notices another process’s write through the file signature and keeps pending changes on top', async () => {
    const a = open({ debounceMs: 60_000 });
    const b = open();
    await a.load();
    const seen: number[] = [];
    a.onChange((data) => seen.push(data.accounts.length));
    await b.update((data) => upsertAccount(data, makeAccount(1)));
    a.defer((data) => extendCooldown(data, makeAccount(1).id, 9_000, 'burst'));
    expect(a.peek().accounts).toHaveLength(0);
    const current = await a.current();
    expect(current.accounts).toHaveLength(1);
    expect(current.accounts[0]!.health.cooldownUntil).toBe(9_000);
    expect(seen).toContain(1);
  });

  it('does not re-read an unchanged file within the stat interval', async () => {
    const a = open({ statIntervalMs: 60_000 });
    const b = open();
    await a.load();
    await b.update((data) => upsertAccount(data, makeAccount(1)));
    expect((await a.current()).accounts).toHaveLength(0);
    expect((await a.reload()).accounts).toHaveLength(1);
  });

  it('writes pending deferred changes on close', async () => {
    const a = open({ debounceMs: 60_000 });
    await a.update((data) => upsertAccount(data, makeAccount(1)));
    a.defer((data) => extendCooldown(data, makeAccount(1).id, 7_000, 'quota'));
    await a.close();
    expect(readStoreJson(a.filePath).accounts[0]!.health.cooldownUntil).toBe(7_000);
  });

  it('still writes deferred changes when the update mutation throws, and rethrows', async () => {
    const a = open({ debounceMs: 60_000 });
    await a.update((data) => upsertAccount(data, makeAccount(1)));
    a.defer((data) => extendCooldown(data, makeAccount(1).id, 7_000, 'quota'));
    await expect(
      a.update(() => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(readStoreJson(a.filePath).accounts[0]!.health.cooldownUntil).toBe(7_000);
  });

  it('migrates a bare array and an unversioned {accounts} file, keeping the original aside', async () => {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'accounts.json');
    const legacy = [
      { alias: 'old', accountId: 'acct-9', userId: 'user-9', accessToken: 'a9', refreshToken: 'r9', expiresAt: 5 },
      { name: 'old', tokens: { access_token: 'a8', refresh_token: 'r8', expires: 6 }, chatgptAccountId: 'acct-8' },
    ];
    fs.writeFileSync(file, JSON.stringify(legacy));
    const data = await open().load();
    expect(data.accounts.map((a) => [a.id, a.alias, a.tokens.refreshToken])).toEqual([
      ['acct-9:user-9', 'old', 'r9'],
      ['acct-8', 'old-2', 'r8'],
    ]);
    fs.writeFileSync(file, JSON.stringify({ accounts: legacy.slice(0, 1) }));
    const store = open();
    expect((await store.load()).accounts).toHaveLength(1);
    await store.update(() => {});
    expect(readStoreJson(file).version).toBe(STORE_VERSION);
    expect(fs.readdirSync(dir).some((name) => name.startsWith('accounts.json.pre-migration-'))).toBe(true);
  });
});

describe('AccountStore with an unreadable file', () => {
  const secret = 'eyJhbGciOiJub25lIn0.eyJzZWNyZXQiOiJ5ZXMifQ.c2ln';
  const good = (store: AccountStore) =>
    store.update((data) =>
      upsertAccount(data, makeAccount(1, { tokens: { ...makeAccount(1).tokens, refreshToken: 'rt-super-secret-value', accessToken: secret } })),
    );

  it.each([
    ['bad JSON', `{"version": 1, "accounts": [ {"refreshToken": "rt-super-secret-value" x`, /not valid JSON/],
    ['a truncated file', 'TRUNCATE', /not valid JSON/],
    ['an empty file', '', /empty/],
    [
      'the wrong schema',
      JSON.stringify({ version: 1, accounts: [{ alias: 5, refreshToken: 'rt-super-secret-value' }] }),
      /does not match the account store schema/,
    ],
    ['a future version', JSON.stringify({ version: STORE_VERSION + 1, accounts: [], future: true }), /newer release/],
    ['a non-object', '42', /expected a JSON object/],
  ])('%s: clear error naming the file, file untouched, copy aside, last-good offered, writes refused', async (_name, contents, problem) => {
    const logger = memoryLogger();
    const writer = open();
    await good(writer);
    const lastGood = `${writer.filePath}.last-good`;
    expect(fs.existsSync(lastGood)).toBe(true);
    const text = contents === 'TRUNCATE' ? fs.readFileSync(writer.filePath, 'utf8').slice(0, 100) : contents;
    fs.writeFileSync(writer.filePath, text);

    const store = open({ logger });
    const error = await store.load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnreadableError);
    const unreadable = error as StoreUnreadableError;
    expect(unreadable.filePath).toBe(writer.filePath);
    expect(unreadable.message).toContain(writer.filePath);
    expect(unreadable.problem).toMatch(problem);
    expect(unreadable.lastKnownGood).toBe(lastGood);
    expect(unreadable.copiedTo).toBeDefined();
    expect(fs.readFileSync(unreadable.copiedTo!, 'utf8')).toBe(text);

    // Writers refuse too, and nothing touches the file.
    await expect(writer.update((data) => upsertAccount(data, makeAccount(2)))).rejects.toBeInstanceOf(StoreUnreadableError);
    writer.defer((data) => upsertAccount(data, makeAccount(3)));
    await writer.flush().catch(() => {});
    expect(fs.readFileSync(writer.filePath, 'utf8')).toBe(text);

    // The last-known-good copy still holds the account: nothing is lost.
    const recovered = readStoreJson(lastGood);
    expect(recovered.accounts).toHaveLength(1);

    for (const line of [unreadable.message, ...logger.lines]) {
      expect(line).not.toContain('rt-super-secret-value');
      expect(line).not.toContain(secret);
    }
  });

  it('reports an unreadable file once per version of it, not on every check', async () => {
    const writer = open();
    await good(writer);
    fs.writeFileSync(writer.filePath, '{');
    const store = open();
    await expect(store.load()).rejects.toBeInstanceOf(StoreUnreadableError);
    await expect(store.current()).rejects.toBeInstanceOf(StoreUnreadableError);
    await expect(store.current()).rejects.toBeInstanceOf(StoreUnreadableError);
    const copies = fs.readdirSync(dir).filter((name) => name.includes('.corrupt-'));
    expect(copies).toHaveLength(1);
  });
});

/** The store file as JSON, the shape the store writes. */
function readStoreJson(file: string): StoreData {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as StoreData;
}
