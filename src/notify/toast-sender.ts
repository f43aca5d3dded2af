import type { Logger } from '../log/logger.js';
import type { Toast } from './notices.js';

/**
 * The one part of OpenCode's SDK client (`PluginInput.client`) the plugin uses. OpenCode's client
 * posts to its own server's `/tui/show-toast`, which publishes a `tui.toast.show` event for the TUI.
 */
export interface ToastClient {
  tui: { showToast(options: { body: Toast; signal?: AbortSignal }): Promise<unknown> };
}

/**
 * How long a toast may take before it is given up. Nothing waits on it (it is sent beside the
 * request, never in its way); the bound only keeps a dead endpoint from holding a request open.
 * Seen here: about 40 ms inside `opencode run`, 0.6 s from `opencode serve` while it streams a reply
 * on a busy machine, so a shorter bound would drop toasts that were about to be shown.
 */
export const TOAST_DEADLINE_MS = 5_000;

/** Why the SDK's answer (`{ data, error, response }`, it does not throw by default) says the toast was not shown. */
function failureOf(result: unknown): string | undefined {
  if (!result || typeof result !== 'object') return undefined;
  const { error, response } = result as { error?: unknown; response?: { ok?: boolean; status?: number } };
  if (response && response.ok === false) return `HTTP ${response.status ?? '?'}`;
  if (error !== undefined) return typeof error === 'string' ? error : JSON.stringify(error);
  return undefined;
}

/**
 * Shows one toast through `client`, giving up after `deadlineMs`. Never throws: `opencode run` has no
 * TUI, an older OpenCode may lack the endpoint, and neither is worth more than a debug line.
 */
export async function sendToast(client: ToastClient, toast: Toast, logger: Logger, deadlineMs = TOAST_DEADLINE_MS): Promise<void> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new DOMException(`no answer within ${deadlineMs} ms`, 'TimeoutError'));
      resolve('deadline');
    }, deadlineMs);
    // A toast in flight must never keep `opencode run` from exiting.
    (timer as { unref?: () => void }).unref?.();
  });
  try {
    const result = await Promise.race([client.tui.showToast({ body: toast, signal: controller.signal }), deadline]);
    const ms = Math.round(performance.now() - started);
    const failure = result === 'deadline' ? `no answer within ${deadlineMs} ms` : failureOf(result);
    if (failure) logger.debug('toast not shown', { title: toast.title, why: failure, ms });
    else logger.debug('toast shown', { title: toast.title, ms });
  } catch (error) {
    logger.debug('toast not shown', { title: toast.title, why: error instanceof Error ? error.message : String(error) });
  } finally {
    clearTimeout(timer);
  }
}
