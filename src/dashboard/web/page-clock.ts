import { formatCountdown, formatMoment } from '../../time/format-time.js';

/*
 * Times on the page follow the server's clock (the view carries `generatedAt`), so a countdown is
 * right even when the browser's clock is off. Elements that show a time carry it in `data-at` and
 * how to show it in `data-time` (`moment` or `countdown`), and `tick()` keeps them current.
 */
export class PageClock {
  #skewMs = 0;

  now(): number {
    return Date.now() + this.#skewMs;
  }

  sync(serverNow: number): void {
    this.#skewMs = serverNow - Date.now();
  }

  format(at: number, style: TimeStyle): string {
    return style === 'moment' ? formatMoment(at, this.now()) : formatCountdown(at, this.now());
  }

  /** Updates every time on the page. */
  tick(root: ParentNode): void {
    for (const node of root.querySelectorAll<HTMLElement>('[data-at]')) {
      const at = Number(node.dataset['at']);
      const style = node.dataset['time'] === 'moment' ? 'moment' : 'countdown';
      if (Number.isFinite(at)) node.textContent = this.format(at, style);
    }
  }
}

export type TimeStyle = 'moment' | 'countdown';

/** A span showing `at` that `PageClock.tick` keeps current. */
export function timeSpan(clock: PageClock, at: number, style: TimeStyle = 'countdown'): HTMLSpanElement {
  const span = document.createElement('span');
  span.dataset['at'] = String(at);
  span.dataset['time'] = style;
  span.textContent = clock.format(at, style);
  return span;
}
