import { parseDated } from '#domain';
import { html, type SafeHtml } from './html.js';
import { formatDay, formatNumber, formatValue } from './labels-fr.js';

/**
 * Hand-written SVG charts. Each is a role="img" with a title and a description that says in words
 * what it shows; the page puts the full data table next to it, so the picture is never the only way in.
 */
const PALETTE = ['#1d4f91', '#a63d00', '#2e7d32', '#6a1b9a', '#00695c', '#8d6e00'];
const TARGET = '#a30d3a';
const day = (d: string) => Date.parse(`${d}T00:00:00Z`);
let chartCount = 0;
const nextId = (prefix: string) => `${prefix}-${++chartCount}`;

/** The lowest and highest of the values, by a loop: spread into Math.min/max, a series past ~120 000 points overflows the stack. */
function extent(values: readonly number[]): { min: number; max: number } {
  let min = Infinity, max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

function niceMax(max: number): number {
  if (max <= 0) return 1;
  const pow = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (step * pow >= max) return step * pow;
  return 10 * pow;
}

export interface LineSeries { label: string; points: { date: string; value: number }[] }

export function lineChart(opts: { title: string; description: string; unit: string; series: LineSeries[]; target?: { value: number; by: string; printed?: string } | null }): SafeHtml {
  const W = 680, H = 280, L = 76, R = 24, T = 20, B = 44;
  const dates = opts.series.flatMap((s) => s.points.map((p) => day(p.date)));
  if (opts.target) dates.push(day(opts.target.by));
  const values = opts.series.flatMap((s) => s.points.map((p) => p.value)).concat(opts.target ? [opts.target.value] : []);
  // The axis starts on 1 January of the first year so that its first tick is labelled.
  const span = extent(dates);
  let x0 = Date.UTC(new Date(span.min).getUTCFullYear(), 0, 1), x1 = span.max;
  if (x1 - x0 < 300 * 864e5) x1 = x0 + 365 * 864e5;
  const yMax = opts.unit === 'percent' ? 100 : niceMax(extent(values).max * 1.05);
  const x = (d: string) => L + ((day(d) - x0) / (x1 - x0)) * (W - L - R);
  const y = (v: number) => T + (1 - v / yMax) * (H - T - B);
  const id = nextId('chart');
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * yMax);
  const firstYear = new Date(x0).getUTCFullYear(), lastYear = new Date(x1).getUTCFullYear();
  const years: number[] = [];
  for (let yr = firstYear; yr <= lastYear; yr++) years.push(yr);
  const yearTicks = years.length > 8 ? years.filter((_, i) => i % Math.ceil(years.length / 8) === 0) : years;
  return html`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${id}-t ${id}-d" focusable="false">
    <title id="${id}-t">${opts.title}</title><desc id="${id}-d">${opts.description}</desc>
    ${yTicks.map((v) => html`<line class="grid" x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}"/><text class="tick" x="${L - 8}" y="${y(v) + 4}" text-anchor="end">${opts.unit === 'percent' ? `${formatNumber(v)} %` : formatNumber(v)}</text>`)}
    ${yearTicks.map((yr) => { const xx = x(`${yr}-01-01`); return html`<line class="grid year" x1="${xx}" x2="${xx}" y1="${T}" y2="${H - B}"/><text class="tick" x="${xx}" y="${H - B + 18}" text-anchor="middle">${yr}</text>`; })}
    <line class="axis" x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}"/>
    ${opts.target ? html`<g class="target"><line x1="${L}" x2="${x(opts.target.by)}" y1="${y(opts.target.value)}" y2="${y(opts.target.value)}" stroke="${TARGET}" stroke-dasharray="6 4" stroke-width="2"/>
      <path d="M ${x(opts.target.by)} ${y(opts.target.value) - 7} l 7 7 l -7 7 l -7 -7 z" fill="${TARGET}"/></g>` : ''}
    ${opts.series.map((s, i) => {
      const color = PALETTE[i % PALETTE.length]!;
      const pts = [...s.points].sort((a, b) => a.date.localeCompare(b.date));
      return html`<g class="series"><polyline fill="none" stroke="${color}" stroke-width="2.5" points="${pts.map((p) => `${x(p.date).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ')}"/>
        ${pts.map((p) => html`<circle cx="${x(p.date).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="4.5" fill="${color}"/>`)}</g>`;
    })}
  </svg>
  <ul class="legend" aria-hidden="true">
    ${opts.series.map((s, i) => html`<li><span class="swatch" style="background:${PALETTE[i % PALETTE.length]}"></span>${s.label}</li>`)}
    ${opts.target ? html`<li><span class="swatch target-swatch"></span>Cible : ${opts.target.printed ?? `${formatValue(opts.target.value, opts.unit)} au ${formatDay(opts.target.by)}`}</li>` : ''}
  </ul>`;
}

export interface Bar { label: string; value: number; target?: number | null }

/** Horizontal bars (one per territory), with the target as a tick when there is one. */
export function barChart(opts: { title: string; description: string; unit: string; bars: Bar[] }): SafeHtml {
  const W = 680, rowH = 34, L = 150, R = 110, T = 8;
  const H = T * 2 + rowH * opts.bars.length;
  const max = niceMax(Math.max(...opts.bars.flatMap((b) => [b.value, b.target ?? 0])));
  const x = (v: number) => L + (v / max) * (W - L - R);
  const id = nextId('bars');
  return html`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${id}-t ${id}-d" focusable="false">
    <title id="${id}-t">${opts.title}</title><desc id="${id}-d">${opts.description}</desc>
    ${opts.bars.map((b, i) => {
      const yy = T + i * rowH;
      return html`<text class="tick" x="${L - 8}" y="${yy + rowH / 2 + 4}" text-anchor="end">${b.label}</text>
        <rect x="${L}" y="${yy + 6}" width="${Math.max(1, x(b.value) - L).toFixed(1)}" height="${rowH - 12}" fill="${PALETTE[0]}" rx="2"/>
        ${b.target ? html`<line x1="${x(b.target)}" x2="${x(b.target)}" y1="${yy + 2}" y2="${yy + rowH - 2}" stroke="${TARGET}" stroke-width="3"/>` : ''}
        <text class="value" x="${x(Math.max(b.value, b.target ?? 0)) + 8}" y="${yy + rowH / 2 + 4}">${formatValue(b.value, opts.unit)}</text>`;
    })}
  </svg>`;
}

export interface TimelineItem { title: string; due: string | null; reachedOn: string | null }

/** Milestones planned (the due period as a band) against reached (a dot), on one time axis. */
export function milestoneTimeline(opts: { title: string; description: string; items: TimelineItem[]; today: string }): SafeHtml | null {
  if (!opts.items.some((m) => m.due || m.reachedOn)) return null;
  const spans = opts.items.map((m) => ({ ...m, period: m.due ? safePeriod(m.due) : null }));
  const all = spans.flatMap((s) => [s.period?.start, s.period?.end, s.reachedOn].filter((d): d is string => Boolean(d)));
  const x0 = day(all.reduce((a, b) => (a < b ? a : b)).slice(0, 4) + '-01-01');
  const x1 = day(`${Number(all.reduce((a, b) => (a > b ? a : b)).slice(0, 4)) + 1}-01-01`);
  const W = 680, L = 34, R = 16, rowH = 26, T = 8, axis = 26;
  const H = T + rowH * spans.length + axis;
  const x = (d: string) => L + ((day(d) - x0) / (x1 - x0)) * (W - L - R);
  const id = nextId('timeline');
  const years: number[] = [];
  for (let yr = new Date(x0).getUTCFullYear(); yr <= new Date(x1).getUTCFullYear(); yr++) years.push(yr);
  const todayX = day(opts.today) >= x0 && day(opts.today) <= x1 ? x(opts.today) : null;
  return html`<svg class="chart timeline" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${id}-t ${id}-d" focusable="false">
    <title id="${id}-t">${opts.title}</title><desc id="${id}-d">${opts.description}</desc>
    ${years.map((yr, i) => html`<line class="grid year" x1="${x(`${yr}-01-01`)}" x2="${x(`${yr}-01-01`)}" y1="${T}" y2="${H - axis}"/>${i < years.length - 1 ? html`<text class="tick" x="${x(`${yr}-01-01`) + 4}" y="${H - 8}">${yr}</text>` : ''}`)}
    ${todayX !== null ? html`<line class="today" x1="${todayX}" x2="${todayX}" y1="${T}" y2="${H - axis}"/>` : ''}
    ${spans.map((s, i) => {
      const yy = T + i * rowH;
      // An open-ended due date ("à partir de 2024") is never late: its band only stops where the axis does.
      const late = s.period && !s.period.open && !s.reachedOn && s.period.end < opts.today;
      return html`<text class="tick" x="${L - 8}" y="${yy + rowH / 2 + 4}" text-anchor="end">${i + 1}</text>${s.period ? html`<rect class="${late ? 'planned late' : 'planned'}" x="${x(s.period.start).toFixed(1)}" y="${yy + 7}" width="${Math.max(4, x(s.period.end) - x(s.period.start)).toFixed(1)}" height="${rowH - 14}" rx="3"/>` : ''}
        ${s.reachedOn ? html`<circle class="reached" cx="${x(s.reachedOn).toFixed(1)}" cy="${yy + rowH / 2}" r="6"/>` : ''}`;
    })}
  </svg>`;
}

function safePeriod(label: string): { start: string; end: string; open: boolean } | null {
  try {
    // An open end is drawn up to the other end's year: the band says "from", not "until when".
    const p = parseDated(label);
    if (p.start === null && p.end === null) return null;
    return { start: p.start ?? `${p.end!.slice(0, 4)}-01-01`, end: p.end ?? `${p.start!.slice(0, 4)}-12-31`, open: p.end === null };
  } catch {
    return null;
  }
}
