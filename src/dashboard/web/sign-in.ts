import type { SignInView } from '../view-model.js';
import type { DashboardApi } from './api.js';
import { el, text } from './dom.js';
import { externalLink, type FadingNotice } from './notices.js';

/** How long a finished sign-in's result stays on the page before it fades. */
const SIGN_IN_RESULT_SHOWN_MS = 8_000;

/** `auth.openai.com/oauth/authorize…`: the address without its long query, which says nothing to a person. */
function shortUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}${parsed.search || parsed.hash ? '…' : ''}`;
  } catch {
    return url.length > 40 ? `${url.slice(0, 40)}…` : url;
  }
}

async function copyText(value: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(value);
    return true;
  } catch {
    return false;
  }
}

/** The shortened link and a button that copies the whole address (for a browser on another device or profile). */
function linkWithCopy(url: string): HTMLElement {
  const copy = el('button', { type: 'button', class: 'copy', 'data-action': 'copy-url', text: 'Copy link' });
  copy.addEventListener('click', () => {
    void copyText(url).then((copied) => {
      copy.textContent = copied ? 'Copied' : 'Copy failed: select the link';
    });
  });
  return el('span', { class: 'url-with-copy' }, [externalLink(url, shortUrl(url), url), text(' '), copy]);
}

/**
 * The browser sign-in, started from the toolbar or a card's "Sign in again". Its status comes with
 * every view; a finished one is shown once, then fades like the other notices.
 */
export class SignInPanel {
  readonly #box: HTMLElement;
  readonly #api: DashboardApi;
  readonly #notice: FadingNotice;
  #shownKey = '';
  #fadeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(box: HTMLElement, api: DashboardApi, notice: FadingNotice) {
    this.#box = box;
    this.#api = api;
    this.#notice = notice;
  }

  async start(alias: string | undefined): Promise<void> {
    try {
      const status = await this.#api.post('/api/sign-in', alias ? { alias } : {});
      if (status.url) window.open(status.url, '_blank', 'noopener');
      this.#notice.show(alias ? `Sign-in for ${alias} started in a new tab.` : 'Sign-in started in a new tab.');
    } catch (error) {
      this.#notice.show(error instanceof Error ? error.message : String(error), 'bad');
    }
  }

  render(status: SignInView | null): void {
    const box = this.#box;
    const key = status ? `${status.state}\u0000${status.message}` : '';
    if (key === this.#shownKey) return;
    this.#shownKey = key;
    clearTimeout(this.#fadeTimer);
    delete box.dataset['fading'];
    box.hidden = status === null;
    if (!status) return;
    box.dataset['state'] = status.state;
    box.replaceChildren(text(`Sign-in: ${status.message}`));
    if (status.url) box.append(text(' If no tab opened, open '), linkWithCopy(status.url));
    if (status.state !== 'waiting') {
      this.#fadeTimer = setTimeout(() => {
        box.dataset['fading'] = 'true';
        this.#fadeTimer = setTimeout(() => (box.hidden = true), 600);
      }, SIGN_IN_RESULT_SHOWN_MS);
    }
  }
}
