import { padEnd, padStart, stripAnsi, truncate, visibleWidth } from './text-width.js';

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** May be cut (with `…`) to fit the width, down to `minWidth`. Cells of a shrinkable column lose their colour when cut. */
  shrink?: boolean;
  /** Default the header's width. */
  minWidth?: number;
}

export interface TableOptions {
  /** Default 80. */
  maxWidth?: number;
  /** Between columns. Default two spaces. */
  gap?: string;
  /** Styles the header row (e.g. bold). */
  styleHeader?: (text: string) => string;
}

/**
 * Lays out rows under headers, each column as wide as its widest cell. When the table is wider than
 * `maxWidth`, the widest shrinkable column gives up columns first. Returns lines without trailing spaces.
 */
export function renderTable(columns: Column[], rows: string[][], options: TableOptions = {}): string[] {
  const maxWidth = options.maxWidth ?? 80;
  const gap = options.gap ?? '  ';
  const widths = columns.map((column, index) => Math.max(visibleWidth(column.header), ...rows.map((row) => visibleWidth(row[index] ?? ''))));
  const total = () => widths.reduce((sum, width) => sum + width, 0) + gap.length * (columns.length - 1);
  while (total() > maxWidth) {
    let widest = -1;
    columns.forEach((column, index) => {
      const floor = column.minWidth ?? Math.min(visibleWidth(column.header), 4);
      if (column.shrink && widths[index]! > floor && (widest < 0 || widths[index]! > widths[widest]!)) widest = index;
    });
    if (widest < 0) break;
    widths[widest]! -= 1;
  }
  const fit = (cell: string, index: number) => {
    const width = widths[index]!;
    const text = visibleWidth(cell) > width ? truncate(stripAnsi(cell), width) : cell;
    return columns[index]!.align === 'right' ? padStart(text, width) : padEnd(text, width);
  };
  const line = (cells: string[]) => cells.map(fit).join(gap).replace(/\s+$/, '');
  const header = line(columns.map((column) => column.header));
  return [options.styleHeader ? options.styleHeader(header) : header, ...rows.map(line)];
}
