import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountStore } from '../../src/store/account-store.js';
import { renameAccount } from '../../src/store/mutations.js';
import type { Account } from '../../src/store/schema.js';
import { createDashboardWorld, readStoreFile, type DashboardWorld } from './world.js';

/*
 * A real headless Chromium (Debian's package) against the dashboard, a temp store and the simulator.
 * Install it with `apt-get update && apt-get install -y chromium`; never `npx playwright install`.
 */

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = path.resolve('test-artifacts', 'dashboard.png');
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function withUsage(fiveHour: number, weekly: number, lastError?: string) {
  return (account: Account) => {
    const now = Date.now();
    account.usage.fiveHour = { usedPercent: fiveHour, windowMinutes: 300, resetsAt: now + 3 * 3_600_000, observedAt: now - 20 * 60_000, source: 'usage-endpoint' };
    account.usage.weekly = { usedPercent: weekly, windowMinutes: 10_080, resetsAt: now + 4 * 86_400_000, observedAt: now - 20 * 60_000, source: 'response-headers' };
    account.stats = { requests: 12, lastUsedAt: now - 5 * 60_000, daily: { [new Date(now).toISOString().slice(0, 10)]: 7 } };
    if (lastError) account.health.lastError = { message: lastError, at: now - 60 * 60_000 };
  };
}

let world: DashboardWorld;
let profile: string;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];
const foreignRequests: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`apt-get update && apt-get install -y chromium\` first.`);
  world = await createDashboardWorld({
    accounts: [
      { accountId: 'acct-work', alias: 'work', email: 'work@example.test', plan: 'pro', fiveHourUsedPercent: 40, weeklyUsedPercent: 10, edit: withUsage(40, 10) },
      { accountId: 'acct-home', alias: 'home', email: 'home@example.test', fiveHourUsedPercent: 75, weeklyUsedPercent: 30, edit: withUsage(75, 30, 'stream ended early (reset by peer)') },
    ],
    // A refresh takes long enough for the page to show it running.
    usageLatencyMs: 700,
  });
  profile = await fs.mkdtemp(path.join(os.tmpdir(), 'oma-chromium-'));
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 900 } });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('request', (request) => {
    if (!request.url().startsWith(world.dashboard.url)) foreignRequests.push(request.url());
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await world?.close();
  if (profile) await fs.rm(profile, { recursive: true, force: true });
});

const card = (alias: string) => page.locator(`article.account[data-alias="${alias}"]`);
const bar = (alias: string, window: 'fiveHour' | 'weekly') => card(alias).locator(`.bar[data-window="${window}"]`);

describe('dashboard in Chromium', () => {
  it('shows every account with its state, usage bars, countdowns, requests and last error', async () => {
    await page.goto(world.dashboard.url);
    await expect.poll(() => page.getAttribute('#connection', 'data-state')).toBe('live');
    await expect.poll(() => page.locator('article.account').count()).toBe(2);

    await expect.poll(() => bar('work', 'fiveHour').getAttribute('aria-valuenow')).toBe('40');
    expect(await bar('work', 'weekly').getAttribute('aria-valuenow')).toBe('10');
    expect(await bar('home', 'fiveHour').getAttribute('aria-valuenow')).toBe('75');
    const workText = await card('work').innerText();
    expect(workText).toContain('work@example.test');
    expect(await card('work').locator('.plan').textContent()).toBe('pro');
    expect(workText).toContain('40% used');
    expect(workText).toMatch(/resets in (2h 5\dm|3h)/);
    expect(workText).toContain('via usage endpoint');
    expect(workText).toContain('via reply headers');
    expect(workText).toContain('7 requests today');
    expect(await card('work').locator('.state').innerText()).toBe('active');
    expect(await card('home').locator('.last-error').innerText()).toContain('stream ended early');
    // The bar is drawn to scale.
    const outer = await bar('home', 'fiveHour').boundingBox();
    await expect.poll(async () => Math.round(((await bar('home', 'fiveHour').locator('.bar-fill').boundingBox())!.width / outer!.width) * 100)).toBe(75);

    // The timeline is drawn: one line per account and window.
    expect(await page.locator('svg[data-chart="timeline"] path').count()).toBe(4);
  });

  it('refreshes all accounts with live progress and shows the new values', async () => {
    world.sim.setUsage('acct-work', { fiveHourUsedPercent: 65, weeklyUsedPercent: 20 });
    world.sim.setUsage('acct-home', { fiveHourUsedPercent: 90, weeklyUsedPercent: 35 });
    await page.click('#refresh-all');
    await page.locator('#refresh-progress').waitFor({ state: 'visible' });
    await page.locator('.refresh-state[data-state="running"]').first().waitFor({ state: 'visible' });
    expect(await page.innerText('#refresh-text')).toMatch(/refreshing: \d of 2 done/);

    await expect.poll(() => bar('work', 'fiveHour').getAttribute('aria-valuenow'), { timeout: 10_000 }).toBe('65');
    await expect.poll(() => bar('home', 'fiveHour').getAttribute('aria-valuenow'), { timeout: 10_000 }).toBe('90');
    expect(await bar('home', 'weekly').getAttribute('aria-valuenow')).toBe('35');
    await page.locator('#refresh-progress').waitFor({ state: 'hidden' });
    expect(await card('work').locator('.refresh-state').innerText()).toBe('refreshed');
    expect(await card('work').innerText()).toContain('seen just now via usage endpoint');
    // The timeline gained the new snapshots.
    await expect.poll(() => page.locator(`svg[data-chart="timeline"] path[data-account-id="${world.ids.work}"][data-window="fiveHour"]`).getAttribute('d')).toMatch(/^M[^M]+L[^L]+L/);
  });

  it('disables an account from the page and the store changes', async () => {
    await card('home').locator('[data-action="toggle"]').click();
    await expect.poll(() => card('home').locator('.state').innerText()).toBe('disabled');
    expect(await card('home').locator('.reasons').innerText()).toContain('disabled');
    expect(await card('home').locator('[data-action="toggle"]').innerText()).toBe('Enable');
    await expect.poll(async () => (await readStoreFile(world.dir)).accounts.find((account) => account.alias === 'home')!.enabled).toBe(false);
  });

  it('follows changes made by another process', async () => {
    const other = new AccountStore({ dir: world.dir });
    await other.load();
    await other.update((data) => renameAccount(data, world.ids.work!, 'office'));
    await other.close();
    await expect.poll(() => card('office').count()).toBe(1);
  });

  it('saves a screenshot, loads nothing from elsewhere and breaks no CSP rule', async () => {
    await fs.mkdir(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect((await fs.stat(SCREENSHOT)).size).toBeGreaterThan(10_000);
    expect(foreignRequests).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('removes an account only after the confirmation', async () => {
    await card('home').locator('[data-action="remove"]').click();
    expect(await card('home').locator('.confirm').last().innerText()).toContain('Remove home?');
    await card('home').locator('[data-action="remove-confirm"]').click();
    await expect.poll(() => page.locator('article.account').count()).toBe(1);
    expect((await readStoreFile(world.dir)).accounts.map((account) => account.alias)).toEqual(['office']);
  });
});
