/**
 * A usage bar: filled for the part USED (0 = fresh, 100 = exhausted), then the percent.
 * `███░░░░░░░  30%`. Unknown usage is a dotted bar with `?`.
 */
export function renderUsageBar(usedPercent: number | undefined, width = 10, ascii = false): string {
  const [full, empty, unknown] = ascii ? ['#', '-', '.'] : ['█', '░', '·'];
  if (usedPercent === undefined || !Number.isFinite(usedPercent)) return `${unknown.repeat(width)}    ?`;
  const clamped = Math.min(100, Math.max(0, usedPercent));
  const filled = Math.round((clamped / 100) * width);
  const label = `${Math.round(clamped)}%`.padStart(5);
  return `${full.repeat(filled)}${empty.repeat(width - filled)}${label}`;
}

/** A progress bar for work in flight: `[#####-----]`. */
export function renderProgressBar(fraction: number, width = 20): string {
  const clamped = Math.min(1, Math.max(0, fraction));
  const filled = Math.round(clamped * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}
