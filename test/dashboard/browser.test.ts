import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountStore } from '../../src/store/account-store.js';
import { renameAccount } from '../../src/store/mutations.js';
import type { Account } from '../../src/store/schema.js';
import { launchChromium, type LaunchedBrowser } from '../support/browser.js';
import { createDashboardWorld, readStoreFile, type DashboardWorld } from './world.js';

/*
 * Real headless Chromium (test/support/browser.ts finds one: CHROME_PATH, a system Chromium, or the
 * one @sparticuz/chromium ships in npm) against the dashboard serving the BUILT page script
 * (dist/dashboard/web/app.js, bundled from src/dashboard/web by `npm run build`), a temp store and the simulator.
 */

const ARTIFACTS = path.resolve('test-artifacts');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SESSION_ON_WORK = 'ses_2c9e41f07ab1WorkLive';
const SESSION_ON_SPARE = 'ses_8d17aa3b50c2SpareStuck';
const SESSION_ON_HOME = 'ses_5b03ce9e12d4HomeEarlier';

function withUsage(fiveHour: number, weekly: number, edit: (account: Account, now: number) => void = () => {}) {
  return (account: Account) => {
    const now = Date.now();
    account.usage.fiveHour = { usedPercent: fiveHour, windowMinutes: 300, resetsAt: now + 3 * HOUR, observedAt: now - 20 * MINUTE, source: 'usage-endpoint' };
    account.usage.weekly = {
      usedPercent: weekly,
      windowMinutes: 10_080,
      resetsAt: now + 4 * 24 * HOUR,
      observedAt: now - 20 * MINUTE,
      source: 'response-headers',
    };
    account.stats = { requests: 12, lastUsedAt: now - 5 * MINUTE, daily: { [new Date(now).toISOString().slice(0, 10)]: 7 } };
    edit(account, now);
  };
}

let world: DashboardWorld;
let browser: LaunchedBrowser;
let page: Page;
const problems: string[] = [];
const foreignRequests: string[] = [];

beforeAll(async () => {
  world = await createDashboardWorld({
    accounts: [
      {
        accountId: 'acct-work',
        alias: 'work',
        email: 'work@example.test',
        plan: 'pro',
        fiveHourUsedPercent: 40,
        weeklyUsedPercent: 10,
        edit: withUsage(40, 10),
      },
      {
        accountId: 'acct-home',
        alias: 'home',
        email: 'home@example.test',
        fiveHourUsedPercent: 75,
        weeklyUsedPercent: 30,
        // An error an hour ago, disproved by a request served five minutes ago.
        edit: withUsage(75, 30, (account, now) => (account.health.lastError = { message: 'stream ended early (reset by peer)', at: now - HOUR })),
      },
      {
        accountId: 'acct-spare',
        alias: 'spare',
        email: 'spare@example.test',
        fiveHourUsedPercent: 5,
        weeklyUsedPercent: 5,
        edit: withUsage(5, 5, (account, now) => {
          account.health.reloginRequired = { reason: 'refresh_token_reused', at: now - 10 * MINUTE };
          account.health.lastError = { message: 'token refresh: refresh_token_reused', at: now - 10 * MINUTE };
          account.stats.lastUsedAt = now - 3 * HOUR;
        }),
      },
    ],
    // A refresh takes long enough for the page to show it running.
    usageLatencyMs: 700,
  });
  const now = Date.now();
  await world.store.update((data) => {
    data.sessions[SESSION_ON_WORK] = { accountId: world.ids.work!, at: now - 2 * MINUTE };
    data.sessions[SESSION_ON_SPARE] = { accountId: world.ids.spare!, at: now - 4 * MINUTE };
    data.sessions[SESSION_ON_HOME] = { accountId: world.ids.home!, at: now - 50 * MINUTE };
  });
  browser = await launchChromium({ viewport: { width: 1280, height: 800 } });
  page = browser.page;
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('request', (request) => {
    if (!request.url().startsWith(world.dashboard.url)) foreignRequests.push(request.url());
  });
}, 120_000);

afterAll(async () => {
  await (browser as LaunchedBrowser | undefined)?.close();
  await (world as DashboardWorld | undefined)?.close(); // both unset when beforeAll failed early
});

const card = (alias: string) => page.locator(`article.account[data-alias="${alias}"]`);
const bar = (alias: string, window: 'fiveHour' | 'weekly') => card(alias).locator(`.bar[data-window="${window}"]`);
const session = (id: string) => page.locator(`li.session[data-session-id="${id}"]`);
/** `13:13 CET, in 2 h 59 min`: local time with its zone, then the countdown. */
const MOMENT = /\d\d:\d\d [A-Z][\w+-]*, in \d+ (h|min|s|d)/;

describe('dashboard in Chromium', () => {
  it('runs the bundled TypeScript page and shows every account with its state, usage and countdowns', async () => {
    await page.goto(world.dashboard.url);
    await expect.poll(() => page.getAttribute('#connection', 'data-state')).toBe('live');
    await expect.poll(() => page.locator('article.account').count()).toBe(3);
    // The page runs the build's bundle: the script the server sent is the file esbuild wrote.
    const served = await page.evaluate(async () => (await fetch('/app.js')).text());
    expect(served).toBe(await fs.readFile(path.resolve('dist/dashboard/web/app.js'), 'utf8'));

    await expect.poll(() => bar('work', 'fiveHour').getAttribute('aria-valuenow')).toBe('40');
    expect(await bar('work', 'weekly').getAttribute('aria-valuenow')).toBe('10');
    const workText = await card('work').innerText();
    expect(workText).toContain('work@example.test');
    expect(await card('work').locator('.plan').textContent()).toBe('pro');
    expect(workText).toContain('40% used');
    expect(workText).toMatch(new RegExp(`resets ${MOMENT.source}`));
    expect(workText).toContain('seen 20 min ago via usage endpoint');
    expect(workText).toContain('7 requests today');
    expect(await card('work').locator('.state').innerText()).toBe('active');
    const outer = await bar('home', 'fiveHour').boundingBox();
    await expect.poll(async () => Math.round(((await bar('home', 'fiveHour').locator('.bar-fill').boundingBox())!.width / outer!.width) * 100)).toBe(75);
    // One line per account and window with snapshots, and a legend naming each account.
    expect(await page.locator('svg[data-chart="timeline"] path').count()).toBe(6);
    expect(await page.locator('.timeline .legend li').allInnerTexts()).toEqual(['work', 'home', 'spare']);
  });

  it('says who serves a new session now and why, with the rotator’s own reason', async () => {
    const next = page.locator('.next-account');
    // The default strategy is pace: spare needs a sign-in, and work (a pro account with most of
    // its weekly quota left) has more at risk of expiring unused than home.
    expect(await next.getAttribute('data-account-id')).toBe(world.ids.work);
    expect(await next.getAttribute('data-reason')).toBe('most-at-risk');
    const words = await next.innerText();
    expect(words).toContain('A new session goes to work');
    expect(words).toContain('the account whose quota is most at risk of expiring unused');
    expect(words).toContain('home: 25% left');
    expect(words).toContain('spare: needs a new sign-in: refresh_token_reused');
    expect(await card('work').locator('.serving-line').innerText()).toBe('next for new sessions · serving 1 session (1 live)');
  });

  it('shows the account each recent session is on and where its next request goes', async () => {
    expect(await page.locator('li.session').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-session-id')))).toEqual([
      SESSION_ON_WORK,
      SESSION_ON_SPARE,
      SESSION_ON_HOME,
    ]);
    const onWork = session(SESSION_ON_WORK);
    expect(await onWork.locator('.session-account').innerText()).toBe('work');
    expect(await onWork.getAttribute('data-live')).toBe('true');
    expect(await onWork.locator('.session-next').innerText()).toContain('next request: work — stays on work, which can still serve');
    // The session on spare cannot stay: it moves, and the page says from where to where and why.
    const onSpare = session(SESSION_ON_SPARE);
    expect(await onSpare.locator('.session-account').innerText()).toBe('spare');
    expect(await onSpare.getAttribute('data-moves')).toBe('true');
    expect(await onSpare.locator('.session-next-account').innerText()).toBe('work');
    expect(await onSpare.locator('.why').innerText()).toMatch(
      /^spare cannot serve \(needs a new sign-in: refresh_token_reused.*\); moves to work \(the account whose quota is most at risk of expiring unused .*\)$/,
    );
    // An hour-old session is recent, not live; it stays on home.
    expect(await session(SESSION_ON_HOME).getAttribute('data-live')).toBe('false');
    expect(await session(SESSION_ON_HOME).locator('.session-next-account').innerText()).toBe('home');
    expect(await session(SESSION_ON_WORK).locator('.session-id').getAttribute('title')).toBe(SESSION_ON_WORK);
  });

  it('saves screenshots at 1280 × 800 and 390 × 844, legible on the phone', async () => {
    await fs.mkdir(ARTIFACTS, { recursive: true });
    const wide = path.join(ARTIFACTS, 'dashboard-1280.png');
    await page.screenshot({ path: wide, fullPage: true });
    expect((await fs.stat(wide)).size).toBeGreaterThan(20_000);

    await page.setViewportSize({ width: 390, height: 844 });
    // The chart is redrawn at the phone's width: its labels stay at their CSS size instead of shrinking to ~4 px.
    await expect.poll(async () => Number(await page.locator('svg[data-chart="timeline"]').getAttribute('width'))).toBeLessThanOrEqual(390);
    const labelHeights = await page
      .locator('svg[data-chart="timeline"] text.axis-label')
      .evaluateAll((labels) => labels.map((label) => label.getBoundingClientRect().height));
    expect(Math.min(...labelHeights)).toBeGreaterThanOrEqual(10);
    // Nothing is wider than the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await page.locator('.next-account').isVisible()).toBe(true);
    const narrow = path.join(ARTIFACTS, 'dashboard-390.png');
    await page.screenshot({ path: narrow, fullPage: true });
    expect((await fs.stat(narrow)).size).toBeGreaterThan(20_000);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('shows a last error as resolved once a later request disproves it, and keeps one that stands', async () => {
    const resolved = card('home').locator('.last-error');
    expect(await resolved.getAttribute('data-resolved')).toBe('');
    expect(await resolved.innerText()).toMatch(/^Resolved: 1 h ago: stream ended early \(reset by peer\) \(since then a request succeeded 5 min ago\)$/);
    const standing = card('spare').locator('.last-error');
    expect(await standing.getAttribute('data-resolved')).toBeNull();
    expect(await standing.innerText()).toBe('Last error 10 min ago: token refresh: refresh_token_reused');
  });

  it('lets a notice fade away by itself', async () => {
    await card('work').locator('[data-action="pin"]').click();
    await expect.poll(() => page.innerText('#notice')).toContain('Pinned to work for 30m.');
    await expect.poll(() => page.innerText('#pin-text')).toMatch(new RegExp(`Every request goes to work until ${MOMENT.source}`));
    // A newer notice takes the place of the one showing.
    await page.click('#unpin');
    await expect.poll(() => page.innerText('#notice')).toBe('Unpinned.');
    await page.locator('#pin-banner').waitFor({ state: 'hidden' });
    await expect.poll(() => page.getAttribute('#notice', 'data-fading'), { timeout: 20_000 }).toBe('true');
    await page.locator('#notice').waitFor({ state: 'hidden', timeout: 20_000 });
  });

  it('signs an account in again from its card', async () => {
    expect(await card('spare').locator('[data-action="sign-in-again"]').isVisible()).toBe(true);
    expect(await card('work').locator('[data-action="sign-in-again"]').isVisible()).toBe(false);
    // The simulator's authorize page signs in at once, as spare.
    world.sim.setSignInAccount('acct-spare');
    const popup = browser.context.waitForEvent('page');
    await card('spare').locator('[data-action="sign-in-again"]').click();
    expect((await popup).url()).toMatch(/\/oauth\/authorize\?|\/auth\/callback\?/);
    await expect.poll(() => card('spare').locator('.state').innerText(), { timeout: 20_000 }).toBe('active');
    expect(await card('spare').locator('[data-action="sign-in-again"]').isVisible()).toBe(false);
    await expect.poll(() => page.innerText('#sign-in-status')).toContain('spare has new tokens');
    // The result fades like the other notices.
    await page.locator('#sign-in-status').waitFor({ state: 'hidden', timeout: 20_000 });
    expect((await readStoreFile(world.dir)).accounts.find((account) => account.alias === 'spare')!.health.reloginRequired).toBeUndefined();
    for (const other of browser.context.pages()) if (other !== page) await other.close();
  });

  it('shows the authorize address shortened, with a button that copies all of it', async () => {
    // Keep the new tab from reaching the issuer, so the sign-in stays waiting with its address on the page.
    await browser.context.route(`${world.sim.issuer}/**`, (route) => route.abort());
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: world.dashboard.url.replace(/\/$/, '') });
    await page.click('#sign-in');
    const link = page.locator('#sign-in-status a');
    await link.waitFor({ state: 'visible' });
    const full = (await link.getAttribute('href'))!;
    expect(full).toContain('/oauth/authorize?');
    expect(full.length).toBeGreaterThan(200);
    expect(await link.innerText()).toBe(`${new URL(world.sim.issuer).host}/oauth/authorize…`);
    await page.click('#sign-in-status [data-action="copy-url"]');
    await expect.poll(() => page.innerText('#sign-in-status [data-action="copy-url"]')).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(full);
    for (const other of browser.context.pages()) if (other !== page) await other.close();
    await browser.context.unroute(`${world.sim.issuer}/**`);
  });

  it('refreshes all accounts with live progress and shows the new values', async () => {
    world.sim.setUsage('acct-work', { fiveHourUsedPercent: 65, weeklyUsedPercent: 20 });
    world.sim.setUsage('acct-home', { fiveHourUsedPercent: 90, weeklyUsedPercent: 35 });
    await page.click('#refresh-all');
    await page.locator('#refresh-progress').waitFor({ state: 'visible' });
    await page.locator('.refresh-state[data-state="running"]').first().waitFor({ state: 'visible' });
    expect(await page.innerText('#refresh-text')).toMatch(/refreshing: \d of 3 done/);

    await expect.poll(() => bar('work', 'fiveHour').getAttribute('aria-valuenow'), { timeout: 15_000 }).toBe('65');
    await expect.poll(() => bar('home', 'fiveHour').getAttribute('aria-valuenow'), { timeout: 15_000 }).toBe('90');
    expect(await bar('home', 'weekly').getAttribute('aria-valuenow')).toBe('35');
    await page.locator('#refresh-progress').waitFor({ state: 'hidden', timeout: 15_000 });
    expect(await card('work').locator('.refresh-state').innerText()).toBe('refreshed');
    expect(await card('work').innerText()).toContain('seen just now via usage endpoint');
    await expect
      .poll(() => page.locator(`svg[data-chart="timeline"] path[data-account-id="${world.ids.work}"][data-window="fiveHour"]`).getAttribute('d'))
      .toMatch(/^M[^M]+L[^L]+L/);
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
    await expect.poll(() => session(SESSION_ON_WORK).locator('.session-account').innerText()).toBe('office');
  });

  it('removes accounts only after the confirmation; with none left, hides the chart and disables "Refresh all"', async () => {
    await card('home').locator('[data-action="remove"]').click();
    expect(await card('home').locator('.confirm').last().innerText()).toContain('Remove home?');
    await card('home').locator('[data-action="remove-confirm"]').click();
    await expect.poll(() => page.locator('article.account').count()).toBe(2);
    expect((await readStoreFile(world.dir)).accounts.map((account) => account.alias)).toEqual(['office', 'spare']);
    expect(await page.isDisabled('#refresh-all')).toBe(false);
    for (const alias of ['office', 'spare']) {
      await card(alias).locator('[data-action="remove"]').click();
      await card(alias).locator('[data-action="remove-confirm"]').click();
    }
    await expect.poll(() => page.locator('article.account').count()).toBe(0);
    expect(await page.isVisible('#empty')).toBe(true);
    expect(await page.isVisible('#timeline-section')).toBe(false);
    expect(await page.isDisabled('#refresh-all')).toBe(true);
    expect(await page.innerText('.next-account')).toContain('A new session goes to no account');
  });

  it('loaded nothing from elsewhere and broke no CSP rule', () => {
    expect(foreignRequests).toEqual([]);
    expect(problems).toEqual([]);
  });
});
