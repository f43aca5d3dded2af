import type { AccountView, WindowView } from '../view-model.js';
import { accountPath, type DashboardApi } from './api.js';
import { el, text, type Child } from './dom.js';
import { timeSpan, type PageClock } from './page-clock.js';

/** What the card says about routing, taken from the view's `serving` part. */
export interface CardServing {
  /** Sessions whose last request this account served, and how many of them are live. */
  sessions: number;
  liveSessions: number;
  /** A new session would go here now. */
  nextForNewSessions: boolean;
}

export interface CardContext {
  api: DashboardApi;
  clock: PageClock;
  /** Starts a browser sign-in for this alias (the toolbar's sign-in, reused). */
  signIn(alias: string): void;
}

const PIN_CHOICES: [string, string][] = [
  ['30m', '30 min'],
  ['1h', '1 hour'],
  ['2h', '2 hours'],
  ['8h', '8 hours'],
  ['', 'until unpinned'],
];

function levelOf(window: WindowView | null): string | null {
  if (!window) return null;
  return window.usedPercent >= 100 ? 'full' : window.usedPercent >= 80 ? 'high' : 'ok';
}

function windowRow(clock: PageClock, label: string, name: string, window: WindowView | null): HTMLElement {
  const fill = el('div', { class: 'bar-fill', 'data-level': levelOf(window) });
  fill.style.width = `${window ? window.usedPercent : 0}%`;
  const percent = window ? Math.round(window.usedPercent) : 0;
  const bar = el(
    'div',
    { class: 'bar', role: 'meter', 'aria-label': `${label} usage`, 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': percent, 'data-window': name },
    [fill],
  );
  const line = el('div', { class: 'window-text' });
  if (!window) {
    line.textContent = 'not observed yet';
  } else {
    line.append(el('span', { class: 'used', text: `${percent}% used` }));
    if (window.resetsAt !== null) line.append(text(' · resets '), timeSpan(clock, window.resetsAt, 'moment'));
    const meta = el('span', { class: 'meta' }, [text(' · seen ')]);
    meta.append(window.observedAt !== null ? timeSpan(clock, window.observedAt) : text('at an unknown time'), text(` via ${window.sourceLabel}`));
    line.append(meta);
    if (window.stale) line.append(el('span', { class: 'stale', text: ' (stale: re-checked before it pauses anything)' }));
  }
  return el('div', { class: 'window' }, [el('span', { class: 'window-label', text: label }), bar, line]);
}

/**
 * The usage block: the account-wide 5-hour and weekly windows. Per-family usage (limit families such
 * as Spark) belongs here too, as more rows of the same kind, once the view model carries it.
 */
function usageRows(clock: PageClock, account: AccountView): HTMLElement {
  return el('div', { class: 'usage' }, [windowRow(clock, '5 hours', 'fiveHour', account.fiveHour), windowRow(clock, 'weekly', 'weekly', account.weekly)]);
}

function lastErrorLine(clock: PageClock, error: NonNullable<AccountView['lastError']>): HTMLElement {
  const resolved = error.resolvedBy;
  const line = el('p', { class: 'last-error', 'data-resolved': resolved !== null }, [
    text(resolved ? 'Resolved: ' : 'Last error '),
    timeSpan(clock, error.at),
    text(`: ${error.message}`),
  ]);
  if (resolved) {
    line.append(
      text(` (since then ${resolved.what === 'request' ? 'a request succeeded' : 'a usage refresh succeeded'} `),
      timeSpan(clock, resolved.at),
      text(')'),
    );
  }
  return line;
}

function refreshLine(refresh: NonNullable<AccountView['refresh']>): HTMLElement {
  const busy = refresh.state === 'queued' || refresh.state === 'running';
  const words =
    refresh.state === 'queued'
      ? 'refresh queued'
      : refresh.state === 'running'
        ? 'refreshing…'
        : refresh.state === 'done'
          ? 'refreshed'
          : `refresh ${refresh.state}${refresh.reason ? `: ${refresh.reason}` : ''}`;
  return el('div', { class: 'refresh-state', 'data-state': refresh.state }, [
    busy ? el('progress', { max: 1, value: refresh.state === 'running' ? 0.5 : 0 }) : null,
    el('span', { text: words }),
  ]);
}

function servingLine(serving: CardServing): HTMLElement | null {
  const parts: string[] = [];
  if (serving.nextForNewSessions) parts.push('next for new sessions');
  if (serving.sessions > 0)
    parts.push(`serving ${serving.sessions} session${serving.sessions === 1 ? '' : 's'}${serving.liveSessions > 0 ? ` (${serving.liveSessions} live)` : ''}`);
  return parts.length > 0 ? el('p', { class: 'serving-line', text: parts.join(' · ') }) : null;
}

function infoOf(clock: PageClock, account: AccountView, serving: CardServing): HTMLElement {
  const head = el('div', { class: 'account-head' }, [
    el('span', { class: 'alias', text: account.alias }),
    account.email ? el('span', { class: 'email', text: account.email }) : null,
    account.plan ? el('span', { class: 'plan', text: account.plan }) : null,
    el('span', {
      class: 'state',
      'data-tone': account.state.tone,
      'data-kind': account.state.kind,
      text: account.state.label + (account.pinned ? ', pinned' : ''),
    }),
  ]);
  const reasons: Child =
    account.state.reasons.length > 0
      ? el(
          'ul',
          { class: 'reasons' },
          account.state.reasons.map((reason) => el('li', { text: reason })),
        )
      : null;
  const stats = el('div', { class: 'stats' }, [
    el('span', { class: 'requests-today', text: `${account.requestsToday} request${account.requestsToday === 1 ? '' : 's'} today` }),
    text(` · ${account.requestsTotal} in all`),
  ]);
  if (account.lastUsedAt !== null) stats.append(text(' · last used '), timeSpan(clock, account.lastUsedAt));
  return el('div', { class: 'info' }, [
    head,
    servingLine(serving),
    reasons,
    usageRows(clock, account),
    stats,
    account.refresh ? refreshLine(account.refresh) : null,
    account.lastError ? lastErrorLine(clock, account.lastError) : null,
  ]);
}

/** One account's card. Its buttons are built once; `update` redraws the information when it changed. */
export class AccountCard {
  readonly node: HTMLElement = el('article', { class: 'account' });
  #account: AccountView;
  #info: HTMLElement | null = null;
  #drawn = '';
  readonly #context: CardContext;
  readonly #controls: {
    refresh: HTMLButtonElement;
    toggle: HTMLButtonElement;
    signInAgain: HTMLButtonElement;
    pinFor: HTMLSelectElement;
    pin: HTMLButtonElement;
    unpin: HTMLButtonElement;
  };
  readonly #actions: HTMLElement;

  constructor(account: AccountView, context: CardContext) {
    this.#account = account;
    this.#context = context;
    const { api } = context;
    const current = () => this.#account;

    const refresh = el('button', { type: 'button', 'data-action': 'refresh', text: 'Refresh' });
    refresh.addEventListener('click', () => void api.act('/api/refresh', { accountId: current().id }));
    const toggle = el('button', { type: 'button', 'data-action': 'toggle' });
    toggle.addEventListener('click', () => void api.act(accountPath(current().id, current().enabled ? 'disable' : 'enable')));
    const signInAgain = el('button', { type: 'button', class: 'primary', 'data-action': 'sign-in-again', text: 'Sign in again' });
    signInAgain.addEventListener('click', () => context.signIn(current().alias));
    const pinFor = el(
      'select',
      { 'aria-label': 'Pin for', 'data-field': 'pin-for' },
      PIN_CHOICES.map(([value, label]) => el('option', { value, text: label })),
    );
    const pin = el('button', { type: 'button', 'data-action': 'pin', text: 'Pin' });
    pin.addEventListener('click', () => void api.act(accountPath(current().id, 'pin'), pinFor.value ? { for: pinFor.value } : {}));
    const unpin = el('button', { type: 'button', 'data-action': 'unpin', text: 'Unpin' });
    unpin.addEventListener('click', () => void api.act('/api/unpin'));

    const renameInput = el('input', { 'aria-label': 'New alias', 'data-field': 'alias', maxlength: 64 });
    const renameSave = el('button', { type: 'button', 'data-action': 'rename-save', text: 'Save' });
    const renameCancel = el('button', { type: 'button', text: 'Cancel' });
    const renameForm = el('span', { class: 'confirm', hidden: true }, [renameInput, renameSave, renameCancel]);
    const rename = el('button', { type: 'button', 'data-action': 'rename', text: 'Rename' });
    rename.addEventListener('click', () => {
      renameInput.value = current().alias;
      renameForm.hidden = false;
      renameInput.focus();
      renameInput.select();
    });
    renameCancel.addEventListener('click', () => (renameForm.hidden = true));
    const saveRename = async () => {
      if (await api.act(accountPath(current().id, 'rename'), { alias: renameInput.value.trim() })) renameForm.hidden = true;
    };
    renameSave.addEventListener('click', () => void saveRename());
    renameInput.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') void saveRename();
      if (event.key === 'Escape') renameForm.hidden = true;
    });

    const removeText = el('span');
    const removeYes = el('button', { type: 'button', class: 'danger', 'data-action': 'remove-confirm', text: 'Yes, remove' });
    const removeNo = el('button', { type: 'button', text: 'Keep' });
    const removeConfirm = el('span', { class: 'confirm', hidden: true }, [removeText, removeYes, removeNo]);
    const remove = el('button', { type: 'button', class: 'danger', 'data-action': 'remove', text: 'Remove' });
    remove.addEventListener('click', () => {
      removeText.textContent = `Remove ${current().alias}? Its tokens are deleted; sign in again to add it back.`;
      removeConfirm.hidden = false;
    });
    removeNo.addEventListener('click', () => (removeConfirm.hidden = true));
    removeYes.addEventListener('click', () => {
      removeConfirm.hidden = true;
      void api.act(accountPath(current().id, 'remove'), { confirmAlias: current().alias });
    });

    this.#controls = { refresh, toggle, signInAgain, pinFor, pin, unpin };
    this.#actions = el('div', { class: 'actions' }, [signInAgain, refresh, toggle, pinFor, pin, unpin, rename, remove, renameForm, removeConfirm]);
    this.node.append(this.#actions);
  }

  update(account: AccountView, serving: CardServing): void {
    this.#account = account;
    const node = this.node;
    node.dataset['accountId'] = account.id;
    node.dataset['alias'] = account.alias;
    node.dataset['enabled'] = String(account.enabled);
    const drawn = JSON.stringify([account, serving]);
    if (drawn === this.#drawn) return;
    this.#drawn = drawn;
    const info = infoOf(this.#context.clock, account, serving);
    if (this.#info) node.replaceChild(info, this.#info);
    else node.insertBefore(info, this.#actions);
    this.#info = info;

    const controls = this.#controls;
    controls.toggle.textContent = account.enabled ? 'Disable' : 'Enable';
    controls.refresh.disabled = account.refresh?.state === 'queued' || account.refresh?.state === 'running';
    controls.signInAgain.hidden = !account.needsSignIn;
    controls.pin.hidden = account.pinned;
    controls.pinFor.hidden = account.pinned;
    controls.unpin.hidden = !account.pinned;
  }
}
