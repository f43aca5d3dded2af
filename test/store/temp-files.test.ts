import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatMode, tightenedMode, tightenStorePermissions } from '../../src/store/permissions.js';
import { isAbandonedTempFile, sweepAbandonedTempFiles, TEMP_FILE_SWEEP_AGE_MS } from '../../src/store/temp-files.js';
import { removeDir, tempDir } from './factories.js';

const OLD = TEMP_FILE_SWEEP_AGE_MS + 1;
const FRESH = 1_000;

describe('isAbandonedTempFile', () => {
  it.each<[string, boolean, number, boolean]>([
    ['accounts.json.tmp-123-uuid', false, OLD, true],
    ['accounts.json.tmp-123-uuid', false, FRESH, false],
    ['accounts.json.last-good.tmp-123-uuid', false, OLD, true],
    ['accounts.json.lock.123.uuid.tmp', false, OLD, true],
    ['accounts.json.lock.stale-123-uuid', false, OLD, true],
    ['refresh-acc-0123456789ab.lock.123.uuid.tmp', true, OLD, true],
    ['refresh-acc-0123456789ab.journal.tmp-123-uuid', true, OLD, true],
    ['refresh-acc-0123456789ab.lock.123.uuid.tmp', true, FRESH, false],
    ['usage-refresher.lease.0b7e-owner.tmp', false, OLD, true],
    ['usage-history.jsonl.4242.tmp', false, OLD, true],
    ['usage-history.jsonl', false, OLD, false],
    // Never the real files, however old.
    ['accounts.json', false, OLD, false],
    ['accounts.json.last-good', false, OLD, false],
    ['accounts.json.lock', false, OLD, false],
    ['accounts.json.corrupt-0123456789abcdef', false, OLD, false],
    ['refresh-acc-0123456789ab.journal', true, OLD, false],
    ['refresh-acc-0123456789ab.lock', true, OLD, false],
    ['usage-refresher.lease', false, OLD, false],
    ['notes.txt.tmp-1', false, OLD, false],
  ])('%s (locks folder: %s, age %d ms) -> %s', (name, inLocks, ageMs, expected) => {
    expect(isAbandonedTempFile(name, inLocks, ageMs)).toBe(expected);
  });
});

describe('sweepAbandonedTempFiles', () => {
  let dir: string;
  beforeEach(() => {
    dir = path.join(tempDir(), 'store');
    fs.mkdirSync(path.join(dir, 'locks'), { recursive: true });
  });
  afterEach(() => removeDir(path.dirname(dir)));

  it('removes old temp files in the store and locks folders and leaves fresh ones and real files', async () => {
    const write = (name: string, ageMs: number) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, 'x');
      const then = new Date(Date.now() - ageMs);
      fs.utimesSync(file, then, then);
    };
    write('accounts.json', OLD);
    write('accounts.json.tmp-1-a', OLD);
    write('accounts.json.tmp-2-b', FRESH);
    write('locks/refresh-x-000000000000.lock.1.c.tmp', OLD);
    write('locks/refresh-x-000000000000.journal', OLD);
    const removed = await sweepAbandonedTempFiles(dir);
    expect(removed.sort()).toEqual(['accounts.json.tmp-1-a', path.join('locks', 'refresh-x-000000000000.lock.1.c.tmp')]);
    expect(fs.readdirSync(dir).sort()).toEqual(['accounts.json', 'accounts.json.tmp-2-b', 'locks']);
    expect(fs.readdirSync(path.join(dir, 'locks'))).toEqual(['refresh-x-000000000000.journal']);
  });
});

describe('store permissions', () => {
  it.each<[number, boolean, number | undefined]>([
    [0o700, true, undefined],
    [0o777, true, 0o700],
    [0o750, true, 0o700],
    [0o600, false, undefined],
    [0o400, false, undefined],
    [0o644, false, 0o600],
    [0o666, false, 0o600],
  ])('mode %o (folder: %s) becomes %s', (mode, isDirectory, expected) => {
    expect(tightenedMode(mode, isDirectory)).toBe(expected);
  });

  it('tightens the folder, the locks folder and every file, and reports what it changed', async () => {
    const root = tempDir();
    const dir = path.join(root, 'store');
    fs.mkdirSync(path.join(dir, 'locks'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'accounts.json'), '{}');
    fs.writeFileSync(path.join(dir, 'locks', 'refresh-x.journal'), '{}');
    fs.chmodSync(dir, 0o777);
    fs.chmodSync(path.join(dir, 'locks'), 0o755);
    fs.chmodSync(path.join(dir, 'accounts.json'), 0o644);
    fs.chmodSync(path.join(dir, 'locks', 'refresh-x.journal'), 0o640);
    const fixes = await tightenStorePermissions(dir);
    expect(fixes.map((fix) => [path.relative(dir, fix.path), formatMode(fix.from), formatMode(fix.to)]).sort()).toEqual(
      [
        ['', '777', '700'],
        ['accounts.json', '644', '600'],
        ['locks', '755', '700'],
        [path.join('locks', 'refresh-x.journal'), '640', '600'],
      ].sort(),
    );
    expect(await tightenStorePermissions(dir)).toEqual([]);
    removeDir(root);
  });
});
