import type { AccountView, DashboardView } from '../view-model.js';
import { AccountCard, type CardContext, type CardServing } from './account-card.js';
import { DashboardApi, pageToken } from './api.js';
import { byId } from './dom.js';
import { FadingNotice } from './notices.js';
import { PageClock, timeSpan } from './page-clock.js';
import { renderServing } from './serving.js';
import { SignInPanel } from './sign-in.js';
import { renderTimeline } from './timeline.js';

/*
 * The dashboard page: one live view from /api/events, drawn with DOM calls; actions go back with the
 * run's token. The JSON it reads is the server's `DashboardView` (src/dashboard/view-model.ts).
 */

const clock = new PageClock();
const notice = new FadingNotice(byId('notice'));
const api = new DashboardApi(pageToken(), notice);
const signIn = new SignInPanel(byId('sign-in-status'), api, notice);
const cards = new Map<string, AccountCard>();
const cardContext: CardContext = { api, clock, signIn: (alias) => void signIn.start(alias) };
let latest: DashboardView | null = null;

function servingOf(view: DashboardView, account: AccountView): CardServing {
  const sessions = view.serving.sessions.filter((session) => session.accountId === account.id);
  return {
    sessions: sessions.length,
    liveSessions: sessions.filter((session) => session.live).length,
    nextForNewSessions: view.serving.newSession.accountId === account.id,
  };
}

function renderAccounts(view: DashboardView): void {
  const container = byId('accounts');
  const seen = new Set<string>();
  view.accounts.forEach((account, index) => {
    seen.add(account.id);
    let card = cards.get(account.id);
    if (!card) {
      card = new AccountCard(account, cardContext);
      cards.set(account.id, card);
    }
    card.update(account, servingOf(view, account));
    const at = container.children[index];
    if (at !== card.node) container.insertBefore(card.node, at ?? null);
  });
  for (const [id, card] of cards) {
    if (!seen.has(id)) {
      card.node.remove();
      cards.delete(id);
    }
  }
  byId('empty').hidden = view.accounts.length > 0;
}

function renderToolbar(view: DashboardView): void {
  const tracked = view.accounts.filter((account) => account.refresh !== null);
  const active = tracked.filter((account) => account.refresh?.state === 'queued' || account.refresh?.state === 'running');
  byId('refresh-progress').hidden = active.length === 0;
  // Nothing to refresh without accounts, and one refresh of all at a time.
  byId('refresh-all', HTMLButtonElement).disabled = view.accounts.length === 0 || active.length > 0;
  if (active.length > 0) {
    byId('refresh-meter', HTMLProgressElement).value = (tracked.length - active.length) / tracked.length;
    byId('refresh-text').textContent = `refreshing: ${tracked.length - active.length} of ${tracked.length} done`;
  }
}

function renderPin(view: DashboardView): void {
  const banner = byId('pin-banner');
  banner.hidden = view.pin === null;
  if (!view.pin) return;
  const words = byId('pin-text');
  words.replaceChildren(`Every request goes to ${view.pin.alias} `);
  if (view.pin.until !== null) words.append('until ', timeSpan(clock, view.pin.until, 'moment'), '.');
  else words.append('until unpinned.');
}

function render(view: DashboardView): void {
  latest = view;
  clock.sync(view.generatedAt);
  renderServing(byId('serving'), clock, view.serving, view.accounts.length > 0);
  renderAccounts(view);
  renderToolbar(view);
  // An empty chart says nothing: it appears with the first account.
  byId('timeline-section').hidden = view.accounts.length === 0;
  if (view.accounts.length > 0) renderTimeline(byId('timeline'), view);
  renderPin(view);
  signIn.render(view.signIn);
  document.body.dataset['ready'] = 'true';
}

function connect(): void {
  const source = new EventSource('/api/events');
  const status = byId('connection');
  source.addEventListener('open', () => {
    status.textContent = 'live';
    status.dataset['state'] = 'live';
  });
  source.addEventListener('state', (event) => render(JSON.parse((event as MessageEvent<string>).data) as DashboardView));
  source.addEventListener('problem', (event) => notice.show((JSON.parse((event as MessageEvent<string>).data) as { message: string }).message, 'bad'));
  source.addEventListener('error', () => {
    status.textContent = 'reconnecting…';
    status.dataset['state'] = 'lost';
  });
}

byId('refresh-all').addEventListener('click', () => void api.act('/api/refresh', {}));
byId('unpin').addEventListener('click', () => void api.act('/api/unpin'));
byId('sign-in').addEventListener('click', () => {
  const alias = byId('sign-in-alias', HTMLInputElement).value.trim();
  void signIn.start(alias || undefined);
});
// The chart is drawn at the box's pixel width: redraw it when that changes.
let lastWidth = 0;
new ResizeObserver(() => {
  const box = byId('timeline');
  if (latest && latest.accounts.length > 0 && box.clientWidth !== lastWidth) {
    lastWidth = box.clientWidth;
    renderTimeline(box, latest);
  }
}).observe(byId('timeline'));
setInterval(() => clock.tick(document), 1_000);
connect();
