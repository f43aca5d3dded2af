/**
 * What the plugin may tell the user in OpenCode's TUI: the moments that change what they should do.
 * Built from the request path's events and from the store; turned into toasts by decide-toasts.ts.
 */
export type Notice =
  /** Sessions on `from` now run on `to` (their prompt cache starts over there). */
  | { kind: 'session-moved'; fromAccountId: string; from: string; to: string; reason: string }
  /** Only a new sign-in brings this account back. */
  | { kind: 'relogin-required'; accountId: string; alias: string; reason: string }
  /** No account can serve; `firstBack` is the one that returns first by itself, if any. */
  | { kind: 'all-accounts-out'; accounts: number; firstBack?: { alias: string; at: number }; pinnedAlias?: string }
  /** An account has used at least `threshold` percent of its weekly window. */
  | { kind: 'weekly-threshold'; accountId: string; alias: string; usedPercent: number; threshold: number; resetsAt?: number }
  /** These settings were not accepted and were ignored (their defaults apply). */
  | { kind: 'settings-invalid'; variables: string[] };

export type NoticeKind = Notice['kind'];

/** The body of OpenCode's `POST /tui/show-toast` (`client.tui.showToast({ body })` in @opencode-ai/sdk 1.18). */
export interface Toast {
  title?: string;
  message: string;
  variant: 'info' | 'success' | 'warning' | 'error';
  /** How long the TUI shows it, ms. */
  duration: number;
}
