import type { Clock } from '../clock.js';
import type { Config, ConfigProblem } from '../config/config.js';
import type { RoutingEvent } from '../codex/routing-events.js';
import type { Logger } from '../log/logger.js';
import type { AccountStore } from '../store/account-store.js';
import { decideToasts, type QuietUntil } from './decide-toasts.js';
import type { Notice } from './notices.js';
import { noticesFromRouting } from './notices-from-routing.js';
import { noticesFromStore } from './notices-from-store.js';
import { sendToast, TOAST_DEADLINE_MS, type ToastClient } from './toast-sender.js';

export interface TuiNotifierOptions {
  /** OpenCode's client from the plugin input; without one, nothing is shown. */
  client?: ToastClient;
  config: Pick<Config, 'notify' | 'notifyCooldown' | 'notifyWeeklyPercent' | 'pauseAtPercent' | 'snapshotStaleAfter'>;
  /** Settings that were ignored; told once, when the notifier starts. */
  configProblems: readonly ConfigProblem[];
  store: AccountStore;
  clock: Clock;
  logger: Logger;
  deadlineMs?: number;
}

/** The store changes several times per request; it is looked at for notices at most this often. */
const STORE_CHECK_DELAY_MS = 1_000;

/**
 * Turns what happens (routing events, store changes) into toasts in OpenCode's TUI. Holds the
 * per-cause quiet-until state; the decisions themselves are the pure functions it calls.
 */
export class TuiNotifier {
  #quietUntil: QuietUntil = {};
  #started = false;
  #unsubscribe: (() => void) | undefined;
  #storeCheck: ReturnType<typeof setTimeout> | undefined;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(private readonly options: TuiNotifierOptions) {}

  get enabled(): boolean {
    return this.options.client !== undefined && this.options.config.notify !== 'off';
  }

  /** For the request path: returns at once and never throws. */
  readonly onRoutingEvent = (event: RoutingEvent): void => {
    if (!this.enabled) return;
    try {
      const { config, store, clock } = this.options;
      this.#notice(
        noticesFromRouting(event, store.peek(), { now: clock.now(), pauseAtPercent: config.pauseAtPercent, snapshotStaleAfterMs: config.snapshotStaleAfter }),
      );
    } catch (error) {
      this.options.logger.debug('notice dropped', { error: error instanceof Error ? error.message : String(error) });
    }
  };

  /**
   * Starts looking at the store and says once which settings were ignored. Called on the first model
   * request (the store is loaded, and a TUI, if any, is listening by then); later calls do nothing.
   */
  start(): void {
    if (this.#started || !this.enabled) return;
    this.#started = true;
    const { configProblems, store } = this.options;
    if (configProblems.length > 0) this.#notice([{ kind: 'settings-invalid', variables: [...new Set(configProblems.map((problem) => problem.variable))] }]);
    this.#unsubscribe = store.onChange(() => this.#scheduleStoreCheck());
    this.#checkStore();
  }

  /** Resolves when every toast sent so far has been shown or given up. */
  async settled(): Promise<void> {
    await Promise.all([...this.#inFlight]);
  }

  dispose(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    clearTimeout(this.#storeCheck);
    this.#storeCheck = undefined;
  }

  #scheduleStoreCheck(): void {
    if (this.#storeCheck !== undefined) return;
    this.#storeCheck = setTimeout(() => {
      this.#storeCheck = undefined;
      this.#checkStore();
    }, STORE_CHECK_DELAY_MS);
    (this.#storeCheck as { unref?: () => void }).unref?.();
  }

  #checkStore(): void {
    try {
      const { config, store, clock } = this.options;
      this.#notice(
        noticesFromStore(store.peek(), { now: clock.now(), weeklyPercent: config.notifyWeeklyPercent, snapshotStaleAfterMs: config.snapshotStaleAfter }),
      );
    } catch (error) {
      this.options.logger.debug('store notices dropped', { error: error instanceof Error ? error.message : String(error) });
    }
  }

  #notice(notices: Notice[]): void {
    const { client, config, clock, logger } = this.options;
    if (notices.length === 0 || !client) return;
    const decision = decideToasts(notices, this.#quietUntil, { level: config.notify, cooldownMs: config.notifyCooldown }, clock.now());
    this.#quietUntil = decision.quietUntil;
    for (const toast of decision.toasts) {
      const sending = sendToast(client, toast, logger, this.options.deadlineMs ?? TOAST_DEADLINE_MS);
      this.#inFlight.add(sending);
      void sending.finally(() => this.#inFlight.delete(sending));
    }
  }
}
