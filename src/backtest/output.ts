// How a backtest is shown: a table for people, one JSON document for tools, an SVG for
// the report. Pure functions from the timeline to text.
import { escapeXml, svgDocument } from '../charts/svg.ts';
import type { Verdict } from '../gate/decide.ts';
import type { BacktestPoint, TimelineSummary, VerdictChange } from './evaluate.ts';

export interface BacktestReport {
  source: string;
  selector: string;
  checkpoint: string;
  phase: number;
  from: string;
  to: string;
  every_seconds: number;
  window_seconds: number;
  http_requests: number;
  pii: 'not backtested';
  summary: TimelineSummary;
  points: BacktestPoint[];
  /** With --set: the assignment and the points whose verdict it changes. */
  sensitivity?: { set: string; summary: TimelineSummary; changed: VerdictChange[] };
}

export const iso = (t: number) => new Date(t * 1000).toISOString().replace(':00.000Z', 'Z').replace('.000Z', 'Z');

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const show = (v: number | null, digits: number, unit: string) => (v === null ? '-' : `${v.toFixed(digits)}${unit}`);

function runLine(label: string, r: TimelineSummary['longestPromote']): string {
  if (r && label.includes('promote') && r.verdict !== 'promote') label = `longest ${r.verdict} run`;
  return r ? `${label}: ${r.points} points, ${iso(r.from)} .. ${iso(r.to)}` : `${label}: none`;
}

function summaryLines(s: TimelineSummary): string[] {
  const counts = (Object.entries(s.counts) as [Verdict, number][]).filter(([, n]) => n > 0).map(([v, n]) => `${v} ${n}`);
  const lines = [`verdicts: ${counts.join(', ') || 'none'} (${s.points} points)`];
  for (const [v, by] of Object.entries(s.decidedBy)) {
    lines.push(`  ${v} decided by: ${Object.entries(by!).sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ')}`);
  }
  lines.push(`flips: ${s.flips.length}`);
  for (const f of s.flips) lines.push(`  ${iso(f.at)}  ${f.from} -> ${f.to}${f.decidedBy ? ` (${f.decidedBy})` : ''}`);
  lines.push(runLine('longest promote run', s.longestPromote), runLine('longest rollback run', s.longestRollback));
  return lines;
}

export function backtestTable(r: BacktestReport): string {
  const out = [
    `backtest of the T+${r.checkpoint} checkpoint, phase ${r.phase}%, every ${r.every_seconds / 60} min from ${r.from} to ${r.to}`,
    `source ${r.source}, selector ${r.selector}, ${r.http_requests} HTTP requests`,
    'PII: not backtested (logs of past windows are not scanned; verdicts are the metric checks\')',
    '',
    `${pad('checkpoint time', 19)}  ${pad('verdict', 12)}  ${pad('success', 8)}  ${pad('p95', 9)}  decided by`,
  ];
  for (const p of r.points) {
    out.push(`${pad(iso(p.at), 19)}  ${pad(p.verdict, 12)}  ${pad(show(p.successRate, 2, '%'), 8)}  ${pad(show(p.p95Ms, 0, ' ms'), 9)}  ${p.decidedBy ? `${p.decidedBy}: ${p.reason}` : '-'}`);
  }
  out.push('', ...summaryLines(r.summary));
  if (r.sensitivity) {
    out.push('', `with --set ${r.sensitivity.set}: ${r.sensitivity.changed.length} verdicts change`);
    for (const c of r.sensitivity.changed) {
      out.push(`  ${iso(c.at)}  ${c.before} -> ${c.after}${c.decidedByAfter ? ` (${c.decidedByAfter})` : ''}`);
    }
    out.push(...summaryLines(r.sensitivity.summary).map((l) => `  ${l}`));
  }
  return out.join('\n') + '\n';
}

const COLOR: Record<Verdict, string> = {
  promote: '#2e7d32',
  continue: '#66bb6a',
  marginal: '#f9a825',
  rollback: '#c62828',
  inconclusive: '#9e9e9e',
};

/** The verdict timeline as a strip of coloured points over the window success rate. */
export function backtestSvg(r: BacktestReport, width = 1200, height = 420): string {
  const M = { left: 90, right: 170, top: 60, bottom: 50 };
  const pw = width - M.left - M.right;
  const stripH = 50;
  const chartTop = M.top + stripH + 30;
  const ch = height - chartTop - M.bottom;
  const pts = r.points;
  const num = (n: number) => (Math.round(n * 100) / 100).toString();
  const title = `Backtest: T+${r.checkpoint} checkpoint, phase ${r.phase}%, ${r.from} to ${r.to}`;
  const body: string[] = [];
  if (pts.length === 0) body.push(`<text x="${width / 2}" y="${height / 2}" text-anchor="middle" font-size="20">no points</text>`);
  else {
    const t0 = pts[0].at;
    const t1 = Math.max(pts[pts.length - 1].at, t0 + 1);
    const x = (t: number) => M.left + ((t - t0) / (t1 - t0)) * pw;
    const w = Math.max(1, pw / pts.length);
    for (const p of pts) {
      body.push(`<rect class="verdict verdict-${p.verdict}" x="${num(x(p.at) - w / 2)}" y="${M.top}" width="${num(w)}" height="${stripH}" fill="${COLOR[p.verdict]}"><title>${escapeXml(`${iso(p.at)} ${p.verdict}${p.decidedBy ? ` (${p.decidedBy})` : ''}`)}</title></rect>`);
    }
    // window success rate under the strip
    const vals = pts.map((p) => p.successRate).filter((v): v is number => v !== null);
    const lo = Math.min(90, ...vals);
    const hi = 100;
    const y = (v: number) => chartTop + ch - ((v - lo) / (hi - lo || 1)) * ch;
    const segs: string[] = [];
    let pen = false;
    for (const p of pts) {
      if (p.successRate === null) {
        pen = false;
        continue;
      }
      segs.push(`${pen ? 'L' : 'M'}${num(x(p.at))},${num(y(p.successRate))}`);
      pen = true;
    }
    body.push(`<rect x="${M.left}" y="${chartTop}" width="${pw}" height="${ch}" fill="none" stroke="#555"/>`);
    body.push(`<path class="series" d="${segs.join(' ')}" fill="none" stroke="#1f77b4" stroke-width="2"/>`);
    for (const v of [lo, hi]) body.push(`<text x="${M.left - 10}" y="${num(y(v) + 5)}" text-anchor="end" font-size="14" fill="#555">${v.toFixed(0)}%</text>`);
    body.push(`<text transform="translate(22 ${chartTop + ch / 2}) rotate(-90)" text-anchor="middle" font-size="14" fill="#555">window success rate</text>`);
    for (let i = 0; i <= 4; i++) {
      const t = t0 + ((t1 - t0) * i) / 4;
      body.push(`<text x="${num(x(t))}" y="${height - 18}" text-anchor="middle" font-size="13" fill="#555">${iso(t).slice(5, 16).replace('T', ' ')}</text>`);
    }
  }
  // legend with counts
  (Object.keys(COLOR) as Verdict[]).forEach((v, i) => {
    const ly = M.top + i * 22;
    body.push(`<rect x="${M.left + pw + 16}" y="${ly}" width="14" height="14" fill="${COLOR[v]}"/>`);
    body.push(`<text x="${M.left + pw + 36}" y="${ly + 12}" font-size="14" fill="#222">${v} ${r.summary.counts[v]}</text>`);
  });
  return svgDocument(width, height, title, body) + '\n';
}
