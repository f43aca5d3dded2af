import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  PLACEHOLDER_API_KEY,
  OpenCodeAuthUnreadableError,
  classifyOpenAiRecord,
  ensurePlaceholder,
  openCodeAuthPath,
} from '../../src/signin/opencode-auth-record.js';

let home: string;
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-auth-'));
  env = { HOME: home, XDG_DATA_HOME: path.join(home, 'data') };
});
afterEach(async () => {
  await fs.rm(home, { recursive: true, force: true });
});

const authFile = () => path.join(home, 'data', 'opencode', 'auth.json');
const readAuth = async () => JSON.parse(await fs.readFile(authFile(), 'utf8')) as Record<string, unknown>;

describe("OpenCode's auth.json", () => {
  it('lives under XDG_DATA_HOME, else ~/.local/share', () => {
    expect(openCodeAuthPath(env)).toBe(authFile());
    expect(openCodeAuthPath({ HOME: '/h' })).toBe('/h/.local/share/opencode/auth.json');
  });

  it.each([
    [{}, 'missing'],
    [{ openai: { type: 'api', key: PLACEHOLDER_API_KEY } }, 'placeholder'],
    [{ openai: { type: 'api', key: 'sk-real' } }, 'api-key'],
    [{ openai: { type: 'oauth', access: 'a', refresh: 'r', expires: 1 } }, 'oauth'],
    [{ openai: { type: 'wellknown' } }, 'other'],
  ])('classifies %j as %s', (data, kind) => {
    expect(classifyOpenAiRecord(data).kind).toBe(kind);
  });

  it('adds the placeholder with mode 0600 and keeps other providers', async () => {
    await fs.mkdir(path.dirname(authFile()), { recursive: true });
    await fs.writeFile(authFile(), JSON.stringify({ anthropic: { type: 'api', key: 'sk-ant' } }));
    expect((await ensurePlaceholder({ env })).action).toBe('added');
    expect(await readAuth()).toEqual({ anthropic: { type: 'api', key: 'sk-ant' }, openai: { type: 'api', key: PLACEHOLDER_API_KEY } });
    expect((await fs.stat(authFile())).mode & 0o777).toBe(0o600);
    expect((await ensurePlaceholder({ env })).action).toBe('already-present');
  });

  it('creates the file when OpenCode never wrote one', async () => {
    expect((await ensurePlaceholder({ env })).action).toBe('added');
    expect(await readAuth()).toEqual({ openai: { type: 'api', key: PLACEHOLDER_API_KEY } });
  });

  it('never replaces a real OAuth record unless asked', async () => {
    const oauth = { type: 'oauth', access: 'a', refresh: 'r', expires: 1 };
    await fs.mkdir(path.dirname(authFile()), { recursive: true });
    await fs.writeFile(authFile(), JSON.stringify({ openai: oauth }));
    expect(await ensurePlaceholder({ env })).toMatchObject({ action: 'kept', record: { kind: 'oauth' } });
    expect((await readAuth()).openai).toEqual(oauth);
    expect((await ensurePlaceholder({ env, replaceOAuth: true })).action).toBe('replaced-oauth');
    expect((await readAuth()).openai).toEqual({ type: 'api', key: PLACEHOLDER_API_KEY });
  });

  it('leaves a file it cannot parse alone', async () => {
    await fs.mkdir(path.dirname(authFile()), { recursive: true });
    await fs.writeFile(authFile(), '{ not json');
    await expect(ensurePlaceholder({ env })).rejects.toBeInstanceOf(OpenCodeAuthUnreadableError);
    expect(await fs.readFile(authFile(), 'utf8')).toBe('{ not json');
  });
});
