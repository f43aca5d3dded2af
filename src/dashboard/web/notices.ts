import { el, text } from './dom.js';

export type NoticeTone = 'ok' | 'bad';

/** How long a notice stays before it fades: a confirmation briefly, an error long enough to read. */
const NOTICE_SHOWN_MS: Record<NoticeTone, number> = { ok: 5_000, bad: 15_000 };
/** The fade itself (the CSS transition on `[data-fading]`). */
const FADE_MS = 600;

/**
 * One status line that fades away by itself ("Unpinned.", a sign-in result, an error). A newer
 * notice replaces the one showing and restarts its time.
 */
export class FadingNotice {
  readonly #box: HTMLElement;
  #timers: ReturnType<typeof setTimeout>[] = [];

  constructor(box: HTMLElement) {
    this.#box = box;
  }

  show(message: string, tone: NoticeTone = 'ok', children: readonly Node[] = []): void {
    this.#clear();
    const box = this.#box;
    box.replaceChildren(text(message), ...children.flatMap((child) => [text(' '), child]));
    box.dataset['tone'] = tone;
    delete box.dataset['fading'];
    box.hidden = false;
    this.#timers.push(
      setTimeout(() => {
        box.dataset['fading'] = 'true';
        this.#timers.push(setTimeout(() => this.hide(), FADE_MS));
      }, NOTICE_SHOWN_MS[tone]),
    );
  }

  hide(): void {
    this.#clear();
    this.#box.hidden = true;
    delete this.#box.dataset['fading'];
  }

  #clear(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers = [];
  }
}

/** A link that opens in a new tab and tells the other page nothing about this one. */
export function externalLink(href: string, label: string, title?: string): HTMLAnchorElement {
  return el('a', { href, target: '_blank', rel: 'noopener noreferrer', title, text: label });
}
