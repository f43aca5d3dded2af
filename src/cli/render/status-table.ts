import type { AccountJson, StatusJson } from '../json-schemas.js';
import { renderUsageBar } from './bar.js';
import { paint, type Palette } from './colors.js';
import { stateLabel } from './account-state.js';
import { renderTable } from './table.js';
import { visibleWidth, wrap } from './text-width.js';
import { formatCountdown, formatWhen } from '../../time/format-time.js';

export interface StatusRenderOptions {
  palette: Palette;
  width: number;
  /** Fixes the time zone (an IANA name, for tests); default the machine's. */
  timeZone?: string;
}

function usageCell(label: string, window: AccountJson['usage']['fiveHour'], now: number, options: StatusRenderOptions): string {
  const bar = renderUsageBar(window?.usedPercent, 10);
  const tone = window === null ? 'muted' : window.usedPercent >= 100 ? 'bad' : window.usedPercent >= 80 ? 'warn' : 'ok';
  const resets = window?.resetsAt != null ? ` resets ${formatWhen(window.resetsAt, now, options.timeZone)}` : '';
  return `${label} ${paint(options.palette, tone, bar)}${options.palette.dim(resets)}`;
}

/**
 * The `list`/`status` table: one row per account (alias, email, plan, state, last used), then its
 * 5-hour and weekly usage bars with reset times, then what to do when it needs attention. Fits `width`.
 */
export function renderStatus(view: StatusJson, options: StatusRenderOptions): string[] {
  const { palette } = options;
  if (view.accounts.length === 0) {
    return ['No accounts yet.', 'Add one with `opencode-multi-auth login`, or import one with `opencode-multi-auth import codex`.'];
  }
  const rows = view.accounts.map((account) => {
    const state = stateLabel({ kind: account.state, pinned: account.pinned, until: account.until ?? undefined, reason: account.reason ?? undefined });
    return [
      palette.bold(account.alias),
      account.email ?? '-',
      account.plan ?? '-',
      paint(palette, state.tone, state.text),
      account.lastUsedAt === null ? 'never' : formatCountdown(account.lastUsedAt, view.now),
    ];
  });
  const table = renderTable(
    [
      { header: 'ALIAS', shrink: true, minWidth: 8 },
      { header: 'EMAIL', shrink: true, minWidth: 8 },
      { header: 'PLAN', shrink: true },
      { header: 'STATE', shrink: true, minWidth: 14 },
      { header: 'LAST USED' },
    ],
    rows,
    { maxWidth: options.width, styleHeader: palette.dim },
  );
  const lines = [table[0]!];
  view.accounts.forEach((account, index) => {
    lines.push(table[index + 1]!);
    const fiveHour = usageCell('5h', account.usage.fiveHour, view.now, options);
    const weekly = usageCell('wk', account.usage.weekly, view.now, options);
    if (visibleWidth(fiveHour) + visibleWidth(weekly) + 5 <= options.width) lines.push(`  ${fiveHour}   ${weekly}`);
    else lines.push(`  ${fiveHour}`, `  ${weekly}`);
    if (account.advice) {
      const tone = account.state === 'relogin-required' ? 'bad' : 'warn';
      wrap(`! ${account.advice}`, options.width - 4).forEach((line, index) => lines.push(`${index === 0 ? '  ' : '    '}${paint(palette, tone, line)}`));
    }
  });
  return lines;
}
