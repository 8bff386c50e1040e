// Small SVG charts for evidence and reports: pure functions from numbers to markup, so
// the evidence has pictures without Grafana and the HTML report stays one file.

export type Point = [number, number];

export interface Threshold {
  value: number;
  label: string;
  /** 'warn' draws amber (target), 'critical' draws red (rollback line). */
  kind: 'warn' | 'critical';
}

export interface LineChartOptions {
  title: string;
  unit: string;
  /** [unix seconds, value]; NaN values leave a gap. */
  points: readonly Point[];
  /** Legend name of `points` (shown when there is a second series). */
  label?: string;
  /** A second series on the same axes (the canary's baseline), drawn dashed in another colour. */
  compare?: { label: string; points: readonly Point[] };
  thresholds?: readonly Threshold[];
  /** Fixed y range; otherwise fitted to data and thresholds. */
  yMin?: number;
  yMax?: number;
  width?: number;
  height?: number;
  /** Number formatter for axis labels. */
  format?: (v: number) => string;
}

export interface BarChartOptions {
  title: string;
  unit: string;
  bars: readonly { label: string; value: number }[];
  width?: number;
  height?: number;
}

const W = 1200;
const H = 600;
const M = { top: 56, right: 150, bottom: 64, left: 90 };
const COLORS = { compare: '#7b3fa0', line: '#1f77b4', warn: '#d68a00', critical: '#c62828', grid: '#e3e3e3', axis: '#555', bar: '#5b8def', text: '#222' };

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const num = (n: number) => (Math.round(n * 100) / 100).toString();

function defaultFormat(v: number): string {
  if (Math.abs(v) >= 1000) return `${Math.round(v)}`;
  if (Number.isInteger(v)) return String(v);
  return v.toFixed(Math.abs(v) < 10 ? 2 : 1);
}

/** "Nice" tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.round(v / step) * step);
  return out;
}

function timeLabel(t: number, span: number): string {
  const d = new Date(t * 1000).toISOString();
  return span > 2 * 86400 ? `${d.slice(5, 10)} ${d.slice(11, 16)}` : d.slice(11, 16);
}

/** A whole SVG document: white page, the title as a heading, then `body`. Every chart slogate draws uses it. */
export function svgDocument(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}" font-family="Helvetica, Arial, sans-serif">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${M.left}" y="32" font-size="22" font-weight="bold" fill="${COLORS.text}">${escapeXml(title)}</text>`,
    ...body,
    '</svg>',
  ].join('\n');
}

/** A time series with horizontal threshold lines (the gate's target and rollback values). */
export function lineChart(o: LineChartOptions): string {
  const width = o.width ?? W;
  const height = o.height ?? H;
  const fmt = o.format ?? defaultFormat;
  const pw = width - M.left - M.right;
  const ph = height - M.top - M.bottom;
  const finite = [...o.points, ...(o.compare?.points ?? [])].filter(([, v]) => Number.isFinite(v));
  const body: string[] = [];
  if (o.points.length === 0 || finite.length === 0) {
    body.push(`<text x="${width / 2}" y="${height / 2}" text-anchor="middle" font-size="20" fill="${COLORS.axis}">no data in the window</text>`);
    return svgDocument(width, height, o.title, body);
  }
  const times = [...o.points, ...(o.compare?.points ?? [])].map(([t]) => t);
  const t0 = Math.min(...times);
  const t1 = Math.max(Math.max(...times), t0 + 1);
  const values = [...finite.map(([, v]) => v), ...(o.thresholds ?? []).map((t) => t.value)];
  let lo = o.yMin ?? Math.min(...values);
  let hi = o.yMax ?? Math.max(...values);
  if (hi === lo) {
    hi += Math.abs(hi) * 0.1 || 1;
    lo -= Math.abs(lo) * 0.1 || 0;
  }
  const pad = (hi - lo) * 0.05;
  if (o.yMin === undefined) lo -= pad;
  if (o.yMax === undefined) hi += pad;
  const x = (t: number) => M.left + ((t - t0) / (t1 - t0)) * pw;
  const y = (v: number) => M.top + ph - ((Math.min(Math.max(v, lo), hi) - lo) / (hi - lo)) * ph;

  for (const tick of niceTicks(lo, hi)) {
    body.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${num(y(tick))}" y2="${num(y(tick))}" stroke="${COLORS.grid}"/>`);
    body.push(`<text x="${M.left - 10}" y="${num(y(tick) + 5)}" text-anchor="end" font-size="14" fill="${COLORS.axis}">${escapeXml(fmt(tick))}</text>`);
  }
  const span = t1 - t0;
  for (let i = 0; i <= 6; i++) {
    const t = t0 + (span * i) / 6;
    body.push(`<text x="${num(x(t))}" y="${M.top + ph + 24}" text-anchor="middle" font-size="14" fill="${COLORS.axis}">${timeLabel(t, span)}</text>`);
  }
  body.push(`<text x="${M.left + pw / 2}" y="${height - 14}" text-anchor="middle" font-size="14" fill="${COLORS.axis}">time (UTC)</text>`);
  body.push(`<text transform="translate(22 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle" font-size="14" fill="${COLORS.axis}">${escapeXml(o.unit)}</text>`);
  body.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="${COLORS.axis}"/>`);

  // one path per series, broken at NaN gaps
  const path = (points: readonly Point[]) => {
    const segs: string[] = [];
    let pen = false;
    for (const [t, v] of points) {
      if (!Number.isFinite(v)) {
        pen = false;
        continue;
      }
      segs.push(`${pen ? 'L' : 'M'}${num(x(t))},${num(y(v))}`);
      pen = true;
    }
    return segs.join(' ');
  };
  if (o.compare) {
    body.push(`<path class="series series-compare" d="${path(o.compare.points)}" fill="none" stroke="${COLORS.compare}" stroke-width="2" stroke-dasharray="4 3"/>`);
  }
  body.push(`<path class="series" d="${path(o.points)}" fill="none" stroke="${COLORS.line}" stroke-width="2"/>`);
  if (o.compare) {
    // legend above the plot, right-aligned
    const lx = M.left + pw - 360;
    body.push(`<line x1="${lx}" x2="${lx + 24}" y1="${M.top - 14}" y2="${M.top - 14}" stroke="${COLORS.line}" stroke-width="2"/>`);
    body.push(`<text x="${lx + 30}" y="${M.top - 9}" font-size="14" fill="${COLORS.text}">${escapeXml(o.label ?? 'series')}</text>`);
    body.push(`<line x1="${lx + 110}" x2="${lx + 134}" y1="${M.top - 14}" y2="${M.top - 14}" stroke="${COLORS.compare}" stroke-width="2" stroke-dasharray="4 3"/>`);
    body.push(`<text x="${lx + 140}" y="${M.top - 9}" font-size="14" fill="${COLORS.text}">${escapeXml(o.compare.label)}</text>`);
  }

  for (const th of o.thresholds ?? []) {
    const color = th.kind === 'critical' ? COLORS.critical : COLORS.warn;
    const yy = num(y(th.value));
    body.push(`<line class="threshold threshold-${th.kind}" x1="${M.left}" x2="${M.left + pw}" y1="${yy}" y2="${yy}" stroke="${color}" stroke-width="2" stroke-dasharray="8 6"/>`);
    body.push(`<text x="${M.left + pw + 8}" y="${num(y(th.value) + 5)}" font-size="14" fill="${color}">${escapeXml(th.label)}</text>`);
  }
  return svgDocument(width, height, o.title, body);
}

/** Vertical bars (the retry histogram: deliveries per attempt count). */
export function barChart(o: BarChartOptions): string {
  const width = o.width ?? W;
  const height = o.height ?? H;
  const pw = width - M.left - M.right;
  const ph = height - M.top - M.bottom;
  const body: string[] = [];
  const max = Math.max(0, ...o.bars.map((b) => (Number.isFinite(b.value) ? b.value : 0)));
  if (o.bars.length === 0 || max === 0) {
    body.push(`<text x="${width / 2}" y="${height / 2}" text-anchor="middle" font-size="20" fill="${COLORS.axis}">no data in the window</text>`);
    return svgDocument(width, height, o.title, body);
  }
  const ticks = niceTicks(0, max);
  const top = Math.max(max, ticks[ticks.length - 1]);
  const y = (v: number) => M.top + ph - (v / top) * ph;
  for (const tick of ticks) {
    body.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${num(y(tick))}" y2="${num(y(tick))}" stroke="${COLORS.grid}"/>`);
    body.push(`<text x="${M.left - 10}" y="${num(y(tick) + 5)}" text-anchor="end" font-size="14" fill="${COLORS.axis}">${defaultFormat(tick)}</text>`);
  }
  const slot = pw / o.bars.length;
  o.bars.forEach((b, i) => {
    const v = Number.isFinite(b.value) ? b.value : 0;
    const bx = M.left + i * slot + slot * 0.15;
    body.push(`<rect class="bar" x="${num(bx)}" y="${num(y(v))}" width="${num(slot * 0.7)}" height="${num(M.top + ph - y(v))}" fill="${COLORS.bar}"/>`);
    body.push(`<text x="${num(bx + slot * 0.35)}" y="${num(y(v) - 6)}" text-anchor="middle" font-size="14" fill="${COLORS.text}">${defaultFormat(Math.round(v))}</text>`);
    body.push(`<text x="${num(bx + slot * 0.35)}" y="${M.top + ph + 24}" text-anchor="middle" font-size="14" fill="${COLORS.axis}">${escapeXml(b.label)}</text>`);
  });
  body.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="${COLORS.axis}"/>`);
  body.push(`<text x="${M.left + pw / 2}" y="${height - 14}" text-anchor="middle" font-size="14" fill="${COLORS.axis}">attempts per delivery</text>`);
  body.push(`<text transform="translate(22 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle" font-size="14" fill="${COLORS.axis}">${escapeXml(o.unit)}</text>`);
  return svgDocument(width, height, o.title, body);
}
