import type { DashboardView } from '../view-model.js';
import { el, svg } from './dom.js';
import { zoneName } from '../../time/format-time.js';

const COLORS = ['#2f6fde', '#d97706', '#16a34a', '#c026d3', '#dc2626', '#0891b2', '#65a30d', '#7c3aed'];
const HOUR_MS = 3_600_000;

/**
 * The last day's usage, drawn at the box's real pixel width (the SVG's user units are CSS pixels),
 * so its labels are as large on a phone as on a desktop instead of shrinking with the whole picture.
 * The legend is HTML under the chart, where it can wrap.
 */
export function renderTimeline(box: HTMLElement, view: DashboardView): void {
  const width = Math.max(280, Math.floor(box.clientWidth || 900));
  const narrow = width < 600;
  const height = narrow ? 200 : 240;
  const left = 40;
  const right = 14;
  const top = 12;
  const bottom = 26;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const { from, to } = view.timeline;
  const x = (at: number) => left + ((at - from) / (to - from)) * plotWidth;
  const y = (percent: number) => top + plotHeight - (percent / 100) * plotHeight;

  const chart = svg('svg', {
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': 'Usage of each account over the last 24 hours',
    'data-chart': 'timeline',
  });
  for (const percent of [0, 50, 100]) {
    chart.append(
      svg('line', { class: 'grid', x1: left, x2: left + plotWidth, y1: y(percent), y2: y(percent) }),
      svg('text', { class: 'axis-label', x: left - 6, y: y(percent) + 4, 'text-anchor': 'end', text: `${percent}%` }),
    );
  }
  const zone = zoneName(to);
  for (let hour = 0; hour <= 24; hour += narrow ? 8 : 6) {
    const at = from + hour * HOUR_MS;
    const date = new Date(at);
    const label = hour === 24 ? 'now' : `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
    const anchor = hour === 0 ? 'start' : hour === 24 ? 'end' : 'middle';
    chart.append(
      svg('line', { class: 'grid', x1: x(at), x2: x(at), y1: top, y2: top + plotHeight }),
      svg('text', { class: 'axis-label', x: x(at), y: height - 8, 'text-anchor': anchor, text: label }),
    );
  }
  view.accounts.forEach((account, index) => {
    const color = COLORS[index % COLORS.length]!;
    for (const name of ['fiveHour', 'weekly'] as const) {
      const points = account.timeline[name];
      const last = points[points.length - 1];
      if (!last) continue;
      // Carry the last observation to now: usage stays where it was last seen until the next snapshot.
      const d = `${points.map(([at, percent], i) => `${i ? 'L' : 'M'}${x(at).toFixed(1)} ${y(percent).toFixed(1)}`).join(' ')} L${x(to).toFixed(1)} ${y(last[1]).toFixed(1)}`;
      const line = svg('path', { d, fill: 'none', stroke: color, 'stroke-width': 2, 'data-account-id': account.id, 'data-window': name });
      if (name === 'weekly') line.setAttribute('stroke-dasharray', '5 4');
      chart.append(line);
      for (const [at, percent] of points) chart.append(svg('circle', { cx: x(at), cy: y(percent), r: 2.5, fill: color }));
    }
  });
  const legend = el(
    'ul',
    { class: 'legend' },
    view.accounts.map((account, index) => {
      const swatch = el('span', { class: 'swatch' });
      swatch.style.background = COLORS[index % COLORS.length]!;
      return el('li', {}, [swatch, el('span', { text: account.alias })]);
    }),
  );
  box.replaceChildren(chart, legend, el('p', { class: 'hint', text: `Times in ${zone}. Solid lines: 5-hour window; dashed: weekly.` }));
}
