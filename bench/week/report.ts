/** The week benchmark's table and target checks. */
import type { PolicyName, WeekOutcome } from './simulate.js';

/** One strategy in one scenario at one load, over every seed. */
export interface Cell {
  scenario: string;
  load: number;
  policy: PolicyName;
  runs: { outcome: WeekOutcome; bound: number }[];
  /** The upper bound as a share of demand, per seed. */
  boundShares: number[];
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function sd(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const average = mean(values);
  return Math.sqrt(values.reduce((sum, value) => sum + (value - average) ** 2, 0) / (values.length - 1));
}

const pm = (values: readonly number[], digits: number) => `${mean(values).toFixed(digits)} ± ${sd(values).toFixed(digits)}`;

const servedOfDemand = (cell: Cell) => cell.runs.map((run) => (100 * run.outcome.servedUnits) / run.outcome.demandUnits);
const servedOfBound = (cell: Cell) => cell.runs.map((run) => (100 * run.outcome.servedUnits) / run.bound);
const kept = (cell: Cell) => cell.runs.map((run) => 100 * run.outcome.keptOnAccount);
const wasted429 = (cell: Cell) => cell.runs.map((run) => run.outcome.wasted429);

const COLUMNS = [
  'scenario',
  'load',
  'strategy',
  'served, % of demand',
  'served, % of upper bound',
  'user-hours waited',
  'turns kept on account, %',
  'quota expired unused, units',
  'wasted 429s',
];

function row(cell: Cell): string[] {
  const policy = cell.policy === 'pace' ? 'pace (default)' : cell.policy === 'clairvoyant-pace' ? 'clairvoyant pace (reference)' : cell.policy;
  return [
    cell.scenario,
    `${cell.load.toFixed(1)}×`,
    policy,
    pm(servedOfDemand(cell), 1),
    pm(servedOfBound(cell), 1),
    pm(
      cell.runs.map((run) => run.outcome.userHoursWaited),
      0,
    ),
    pm(kept(cell), 1),
    pm(
      cell.runs.map((run) => run.outcome.expiredUnits),
      0,
    ),
    pm(wasted429(cell), 1),
  ];
}

/** The table, plain (aligned columns) or Markdown. The upper bound's own share of demand heads each scenario and load. */
export function formatTable(cells: readonly Cell[], options: { markdown: boolean }): string {
  const rows: string[][] = [];
  let last = '';
  for (const cell of cells) {
    const key = `${cell.scenario}|${cell.load}`;
    if (key !== last) {
      rows.push([
        cell.scenario,
        `${cell.load.toFixed(1)}×`,
        'upper bound (LP)',
        pm(
          cell.boundShares.map((share) => 100 * share),
          1,
        ),
        '100',
        '',
        '',
        '',
        '',
      ]);
      last = key;
    }
    rows.push(row(cell));
  }
  if (options.markdown) {
    return [`| ${COLUMNS.join(' | ')} |`, `|${COLUMNS.map(() => ' --- ').join('|')}|`, ...rows.map((cells) => `| ${cells.join(' | ')} |`)].join('\n');
  }
  const widths = COLUMNS.map((title, column) => Math.max(title.length, ...rows.map((cells) => cells[column]!.length)));
  const line = (cells: string[]) => cells.map((text, column) => (column >= 3 ? text.padStart(widths[column]!) : text.padEnd(widths[column]!))).join('  ');
  return [line(COLUMNS), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * The targets: the default (`pace`) at >= 98 % of the upper bound wherever the clairvoyant reference
 * reaches it, else no more than 1 point below the reference; turns kept on their account >= 93 % up to
 * 1.3x and >= 85 % above; no more wasted 429s than `sticky`. Compared on the means over seeds.
 */
export function checkTargets(cells: readonly Cell[]): { lines: string[]; met: number; missed: number } {
  const lines: string[] = [];
  let met = 0;
  let missed = 0;
  const check = (ok: boolean, text: string) => {
    lines.push(`${ok ? 'met   ' : 'MISSED'} ${text}`);
    if (ok) met += 1;
    else missed += 1;
  };
  const find = (scenario: string, load: number, policy: PolicyName) =>
    cells.find((cell) => cell.scenario === scenario && cell.load === load && cell.policy === policy);
  for (const cell of cells) {
    if (cell.policy !== 'pace') continue;
    const where = `${cell.scenario} at ${cell.load.toFixed(1)}×`;
    const served = mean(servedOfBound(cell));
    const reference = find(cell.scenario, cell.load, 'clairvoyant-pace');
    if (reference) {
      const clairvoyant = mean(servedOfBound(reference));
      if (clairvoyant >= 98)
        check(served >= 98, `${where}: pace serves ${served.toFixed(1)} % of the upper bound (target >= 98; clairvoyant ${clairvoyant.toFixed(1)})`);
      else
        check(
          served >= clairvoyant - 1,
          `${where}: pace serves ${served.toFixed(1)} % of the upper bound (target >= clairvoyant ${clairvoyant.toFixed(1)} - 1)`,
        );
    }
    const keptShare = mean(kept(cell));
    const keptTarget = cell.load <= 1.3 ? 93 : 85;
    check(keptShare >= keptTarget, `${where}: pace keeps ${keptShare.toFixed(1)} % of turns on their account (target >= ${keptTarget})`);
    const sticky = find(cell.scenario, cell.load, 'sticky');
    if (sticky) {
      const ours = mean(wasted429(cell));
      const theirs = mean(wasted429(sticky));
      check(ours <= theirs, `${where}: pace wastes ${ours.toFixed(1)} 429 round trips a week (target <= sticky's ${theirs.toFixed(1)})`);
    }
  }
  return { lines, met, missed };
}
