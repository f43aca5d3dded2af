import type { AccountJson, FamilyJson, StatusJson } from '../json-schemas.js';
import { renderUsageBar } from './bar.js';
import { paint, type Palette } from './colors.js';
import { stateLabel } from './account-state.js';
import { renderTable } from './table.js';
import { visibleWidth, wrap } from './text-width.js';
import { formatCountdown, formatMoment } from '../../time/format-time.js';

export interface StatusRenderOptions {
  palette: Palette;
  width: number;
  /** Fixes the time zone (an IANA name, for tests); default the machine's. */
  timeZone?: string;
}

function usageCell(label: string, window: AccountJson['usage']['fiveHour'], now: number, options: StatusRenderOptions): string {
  const bar = renderUsageBar(window?.usedPercent, 10);
  const tone = window === null ? 'muted' : window.usedPercent >= 100 ? 'bad' : window.usedPercent >= 80 ? 'warn' : 'ok';
  const resets = window?.resetsAt != null ? ` resets ${formatMoment(window.resetsAt, now, { timeZone: options.timeZone })}` : '';
  return `${label} ${paint(options.palette, tone, bar)}${options.palette.dim(resets)}`;
}

/** A limit family under its account: its name, its own bars, and how long its models are out. */
function familyLines(family: FamilyJson, now: number, options: StatusRenderOptions): string[] {
  const { palette } = options;
  const out = family.outUntil !== null ? paint(palette, 'warn', ` out until ${formatMoment(family.outUntil, now, { timeZone: options.timeZone })}`) : '';
  const head = `  ${palette.dim('└')} ${family.limitName ?? family.id}${out}`;
  const bars = [
    family.fiveHour ? usageCell('5h', family.fiveHour, now, options) : '',
    family.weekly ? usageCell('wk', family.weekly, now, options) : '',
    family.monthly ? usageCell('30d', family.monthly, now, options) : '',
  ]
    .filter((cell) => cell !== '')
    .join('   ');
  if (bars === '') return [head];
  return visibleWidth(head) + visibleWidth(bars) + 3 <= options.width ? [`${head}  ${bars}`] : [head, `    ${bars}`];
}

/** The plan, with the workspace's region and FedRAMP when it has them: `team, us` or `enterprise, FedRAMP`. */
function planCell(account: AccountJson): string {
  return [account.plan ?? '-', account.residency ?? undefined, account.fedramp ? 'FedRAMP' : undefined].filter(Boolean).join(', ');
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
      planCell(account),
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
    { maxWidth: options.width, styleHeader: (text) => palette.dim(text) },
  );
  const lines = [table[0]!];
  view.accounts.forEach((account, index) => {
    lines.push(table[index + 1]!);
    // A free plan has one 30-day window and nothing else: show that, not two empty bars.
    const cells =
      account.usage.monthly && !account.usage.fiveHour && !account.usage.weekly
        ? [usageCell('30d', account.usage.monthly, view.now, options)]
        : [
            usageCell('5h', account.usage.fiveHour, view.now, options),
            usageCell('wk', account.usage.weekly, view.now, options),
            ...(account.usage.monthly ? [usageCell('30d', account.usage.monthly, view.now, options)] : []),
          ];
    if (cells.reduce((width, cell) => width + visibleWidth(cell) + 3, 2) <= options.width) lines.push(`  ${cells.join('   ')}`);
    else for (const cell of cells) lines.push(`  ${cell}`);
    const notes: string[] = [];
    if (account.limitReached) {
      const until = account.limitReached.until !== null ? ` until ${formatMoment(account.limitReached.until, view.now, { timeZone: options.timeZone })}` : '';
      notes.push(paint(palette, 'warn', `limit reached${account.limitReached.reason ? ` (${account.limitReached.reason})` : ''}${until}`));
    }
    if (account.credits) notes.push(palette.dim(`credits: ${account.credits.unlimited ? 'unlimited' : (account.credits.balance ?? 'yes')}`));
    if (notes.length > 0) lines.push(`  ${notes.join('   ')}`);
    if (account.lastError) {
      const line = `last error ${formatCountdown(account.lastError.at, view.now)}: ${account.lastError.message}`;
      wrap(line, options.width - 4).forEach((part, index) => lines.push(`${index === 0 ? '  ' : '    '}${palette.dim(part)}`));
    }
    for (const family of account.usage.families) lines.push(...familyLines(family, view.now, options));
    if (account.advice) {
      const tone = account.state === 'relogin-required' ? 'bad' : 'warn';
      wrap(`! ${account.advice}`, options.width - 4).forEach((line, index) => lines.push(`${index === 0 ? '  ' : '    '}${paint(palette, tone, line)}`));
    }
  });
  return lines;
}
