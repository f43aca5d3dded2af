import { paint, type Palette } from '../render/colors.js';
import { wrap } from '../render/text-width.js';
import type { Check } from './check.js';

export type Verdict = 'ok' | 'warn' | 'fail';

/** The verdict follows the findings: any failure fails, any warning is a warning. Pure. */
export function verdictOf(checks: readonly Check[]): Verdict {
  if (checks.some((check) => check.level === 'fail')) return 'fail';
  if (checks.some((check) => check.level === 'warn')) return 'warn';
  return 'ok';
}

/** The closing sentence for a verdict. Pure. */
function verdictLine(checks: readonly Check[]): string {
  const count = (level: Check['level']) => checks.filter((check) => check.level === level).length;
  switch (verdictOf(checks)) {
    case 'ok':
      return 'Everything needed is in place.';
    case 'warn':
      return `It should work, with ${count('warn')} warning${count('warn') === 1 ? '' : 's'}: do what the -> lines say.`;
    case 'fail':
      return `${count('fail')} problem${count('fail') === 1 ? '' : 's'} to fix${count('warn') ? ` and ${count('warn')} warning${count('warn') === 1 ? '' : 's'}` : ''}: do what the -> lines say.`;
  }
}

/** The doctor's report as lines of at most `width` columns (a single word longer than that keeps its own line). Pure. */
export function renderDoctor(checks: readonly Check[], palette: Palette, width: number): string[] {
  const mark = { ok: paint(palette, 'ok', 'ok  '), warn: paint(palette, 'warn', 'warn'), fail: paint(palette, 'bad', 'FAIL') };
  const lines: string[] = [];
  for (const check of checks) {
    wrap(`${check.name}: ${check.message}`, width - 6).forEach((line, index) => lines.push(index === 0 ? `${mark[check.level]}  ${line}` : `      ${line}`));
    if (check.fix) wrap(check.fix, width - 9).forEach((line, index) => lines.push(index === 0 ? `      -> ${line}` : `         ${line}`));
  }
  lines.push('');
  wrap(verdictLine(checks), width).forEach((line) => lines.push(line));
  return lines;
}
