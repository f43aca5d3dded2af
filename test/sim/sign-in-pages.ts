import type { SimState } from './state.js';

/*
 * The simulator's sign-in pages, for a person trying the plugin by hand (`npm run sim`): choose which
 * simulated account signs in, and approve a device code. The real issuer shows a login page at
 * /oauth/authorize and a code entry page at /codex/device; these stand in for them.
 */

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return (
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(title)} (simulator)</title>` +
    '<style>body{font:16px system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}' +
    'button{font:inherit;margin:.25rem 0;padding:.5rem 1rem;display:block;width:100%;text-align:left}' +
    'input,select{font:inherit;padding:.4rem}</style></head>' +
    `<body><h1>${escapeHtml(title)}</h1>${body}<p><small>Codex backend simulator: no real account is involved.</small></p></body></html>`
  );
}

function accountLabel(state: SimState, accountId: string): string {
  const identity = state.accounts.get(accountId)!.identity;
  return `${identity.email} (${identity.plan}, ${accountId})`;
}

/** The authorize page: one button per simulated account; each posts the authorize request back with its choice. */
export function chooseAccountPage(state: SimState, query: URLSearchParams): string {
  const hidden = [...query.entries()].map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join('');
  const buttons = [...state.accounts.keys()]
    .map(
      (accountId) =>
        `<button type="submit" name="account_id" value="${escapeHtml(accountId)}">Sign in as ${escapeHtml(accountLabel(state, accountId))}</button>`,
    )
    .join('');
  return page(
    'Sign in to ChatGPT',
    `<p>Choose the simulated account to sign in as.</p><form method="post" action="/oauth/authorize">${hidden}${buttons}</form>`,
  );
}

/** The device page: the code shown in the terminal, and the account that approves it. */
export function devicePage(state: SimState, message?: { text: string; ok: boolean }): string {
  const options = [...state.accounts.keys()]
    .map((accountId) => `<option value="${escapeHtml(accountId)}">${escapeHtml(accountLabel(state, accountId))}</option>`)
    .join('');
  const notice = message ? `<p role="status" style="color:${message.ok ? 'green' : 'crimson'}">${escapeHtml(message.text)}</p>` : '';
  return page(
    'Enter the code shown in your terminal',
    `${notice}<form method="post" action="/codex/device"><p><label>Code <input name="user_code" autocomplete="off" required></label></p>` +
      `<p><label>Approve as <select name="account_id">${options}</select></label></p><p><button type="submit">Approve</button></p></form>`,
  );
}
