import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultCodexAuthPath, importCodexAuth } from '../../src/imports/codex-auth.js';
import { ImportSourceError } from '../../src/imports/errors.js';
import { defaultOpenCodeAuthPath, importOpenCodeAuth } from '../../src/imports/opencode-auth.js';
import { AccountStore } from '../../src/store/account-store.js';
import { accessTokenFor, removeDir, tempDir } from '../store/factories.js';

let root: string;
let store: AccountStore;
beforeEach(() => {
  root = tempDir();
  store = new AccountStore({ dir: path.join(root, 'store'), statIntervalMs: 0 });
});
afterEach(async () => {
  await store.close();
  removeDir(root);
});

function writeJson(file: string, value: unknown) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value));
}

const codexAuth = (access: string, refresh: string) => ({
  auth_mode: 'chatgpt',
  OPENAI_API_KEY: null,
  tokens: { id_token: access, access_token: access, refresh_token: refresh, account_id: 'acct-7' },
  last_refresh: '2026-01-01T00:00:00Z',
});

describe('default auth paths', () => {
  it('honour CODEX_HOME and XDG_DATA_HOME, else the home directory', () => {
    expect(defaultCodexAuthPath({ CODEX_HOME: '/c', HOME: '/h' })).toBe('/c/auth.json');
    expect(defaultCodexAuthPath({ HOME: '/h' })).toBe('/h/.codex/auth.json');
    expect(defaultOpenCodeAuthPath({ XDG_DATA_HOME: '/d', HOME: '/h' })).toBe('/d/opencode/auth.json');
    expect(defaultOpenCodeAuthPath({ HOME: '/h' })).toBe('/h/.local/share/opencode/auth.json');
  });
});

describe('importCodexAuth', () => {
  it('adds the account with the shared-token warning, and a re-import updates instead of duplicating (keeping the alias)', async () => {
    const env = { CODEX_HOME: path.join(root, 'codex'), HOME: root };
    writeJson(path.join(root, 'codex', 'auth.json'), codexAuth(accessTokenFor('acct-7', 'user-7'), 'rt-codex-1'));
    const first = await importCodexAuth(store, { env, now: 1_000 });
    expect(first.created).toBe(true);
    expect(first.account).toMatchObject({ id: 'acct-7:user-7', alias: 'user-7', origin: 'import-codex', email: 'user-7@example.test', plan: 'plus' });
    expect(first.warning).toMatch(/codex CLI still holds the refresh token/);
    expect(first.warning).not.toContain('rt-codex-1');

    writeJson(path.join(root, 'codex', 'auth.json'), codexAuth(accessTokenFor('acct-7', 'user-7'), 'rt-codex-2'));
    const second = await importCodexAuth(store, { env, now: 2_000, alias: 'work' });
    expect(second).toMatchObject({ created: false, tokens: 'newer', aliasKept: { asked: 'work' } });
    const data = await store.reload();
    expect(data.accounts).toHaveLength(1);
    expect(data.accounts[0]).toMatchObject({ alias: 'user-7', tokens: { refreshToken: 'rt-codex-2', obtainedAt: 2_000 } });
  });

  it('explains a missing file and an API-key login', async () => {
    await expect(importCodexAuth(store, { path: path.join(root, 'nope.json'), now: 1 })).rejects.toThrow(/does not exist/);
    writeJson(path.join(root, 'apikey.json'), { auth_mode: 'apikey', OPENAI_API_KEY: 'sk-x', tokens: null });
    const error = await importCodexAuth(store, { path: path.join(root, 'apikey.json'), now: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportSourceError);
    expect((error as Error).message).toMatch(/no ChatGPT sign-in/);
  });
});

describe('importOpenCodeAuth', () => {
  it('imports the openai OAuth record with its expiry and warns that OpenCode holds the token too', async () => {
    const env = { XDG_DATA_HOME: path.join(root, 'data'), HOME: root };
    writeJson(path.join(root, 'data', 'opencode', 'auth.json'), {
      openai: { type: 'oauth', refresh: 'rt-oc-1', access: accessTokenFor('acct-3', 'user-3'), expires: 123_456, accountId: 'acct-3' },
      anthropic: { type: 'api', key: 'k' },
    });
    const result = await importOpenCodeAuth(store, { env, now: 1_000, alias: 'oc' });
    expect(result.created).toBe(true);
    expect(result.account).toMatchObject({
      id: 'acct-3:user-3',
      alias: 'oc',
      origin: 'import-opencode',
      tokens: { expiresAt: 123_456, refreshToken: 'rt-oc-1' },
    });
    expect(result.warning).toMatch(/OpenCode still holds the refresh token/);
    const again = await importOpenCodeAuth(store, { env, now: 2_000 });
    expect(again.created).toBe(false);
    expect((await store.reload()).accounts).toHaveLength(1);
  });

  it('refuses an api-key record', async () => {
    const env = { XDG_DATA_HOME: path.join(root, 'data') };
    writeJson(path.join(root, 'data', 'opencode', 'auth.json'), { openai: { type: 'api', key: 'sk-secret' } });
    const error = await importOpenCodeAuth(store, { env, now: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportSourceError);
    expect((error as Error).message).toMatch(/not a ChatGPT sign-in/);
    expect((error as Error).message).not.toContain('sk-secret');
  });
});
