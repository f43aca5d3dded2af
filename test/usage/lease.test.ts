import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LeaseFile, leaseDecision, type LeaseRecord } from '../../src/usage/lease.js';

const NOW = 1_000_000;
const alive = () => true;
const dead = () => false;

describe('leaseDecision', () => {
  const held: LeaseRecord = { pid: 42, owner: 'other', expiresAt: NOW + 1 };
  it.each<[string, LeaseRecord | undefined, (pid: number) => boolean, string]>([
    ['no lease file', undefined, alive, 'take'],
    ['ours', { ...held, owner: 'me' }, alive, 'renew'],
    ['held by a live process', held, alive, 'held-by-other'],
    ['expired', { ...held, expiresAt: NOW }, alive, 'take'],
    ['holder process is gone', held, dead, 'take'],
  ])('%s', (_name, record, isAlive, expected) => {
    expect(leaseDecision(record, 'me', NOW, isAlive)).toBe(expected);
  });
});

describe('LeaseFile', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('lets one holder at a time poll, and hands over on release or expiry', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lease-'));
    let now = NOW;
    const clock = { now: () => now };
    const file = path.join(dir, 'usage-refresher.lease');
    const first = new LeaseFile({ file, clock, durationMs: 1_000 });
    const second = new LeaseFile({ file, clock, durationMs: 1_000 });
    expect(await first.acquire()).toBe(true);
    expect(await second.acquire()).toBe(false);
    expect(await first.acquire()).toBe(true);
    now += 1_000;
    expect(await second.acquire()).toBe(true);
    expect(await first.acquire()).toBe(false);
    await second.release();
    expect(await first.acquire()).toBe(true);
    const record: unknown = JSON.parse(await fs.readFile(file, 'utf8'));
    expect(record).toEqual({ pid: process.pid, owner: first.owner, expiresAt: now + 1_000 });
  });
});
