// The rollout as a picture: a time axis from T+0, each checkpoint's window as a band coloured
// by what happened in it, the recorded verdicts as marks and "now" as a line. Pure.
import type { RolloutStatus } from '../rollout/status.ts';
import { escapeXml } from './svg.ts';

const W = 1200;
const H = 260;
const M = { left: 40, right: 40, top: 60, bottom: 60 };
const STATE_COLOR: Record<string, string> = {
  done: '#2e7d32',
  open: '#1f77b4',
  upcoming: '#9e9e9e',
  missed: '#c62828',
  unreadable: '#6a1b9a',
};
const VERDICT_COLOR: Record<string, string> = {
  promote: '#2e7d32',
  continue: '#2e7d32',
  marginal: '#d68a00',
  inconclusive: '#757575',
  rollback: '#c62828',
};

const t = (iso: string) => Date.parse(iso) / 1000;
const n = (x: number) => (Math.round(x * 10) / 10).toString();

/** Hours on the axis: T+0h … the last window's end, at a readable step. */
function hourTicks(spanHours: number): number[] {
  const step = [0.5, 1, 2, 4, 6, 12, 24].find((s) => spanHours / s <= 12) ?? 48;
  const out: number[] = [];
  for (let h = 0; h <= spanHours + 1e-9; h += step) out.push(h);
  return out;
}

export function timelineSvg(s: RolloutStatus): string {
  const title = `${s.phase_name} rollout${s.t0 ? ` from T+0 ${s.t0}` : ''}`;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeXml(title)}">`);
  parts.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  parts.push(`<text x="${M.left}" y="28" font-family="sans-serif" font-size="18" fill="#222">${escapeXml(title)}</text>`);
  if (!s.t0 || !s.checkpoints.length) {
    parts.push(`<text x="${M.left}" y="${H / 2}" font-family="sans-serif" font-size="16" fill="#555">${escapeXml(s.message)}</text>`);
    return parts.join('\n') + '\n</svg>\n';
  }
  const t0 = t(s.t0);
  const end = Math.max(...s.checkpoints.map((c) => t(c.latest)), t(s.now)) + 15 * 60;
  const x = (u: number) => M.left + ((u - t0) / (end - t0)) * (W - M.left - M.right);
  const axisY = H - M.bottom;
  parts.push(`<line x1="${M.left}" y1="${axisY}" x2="${W - M.right}" y2="${axisY}" stroke="#555" stroke-width="1"/>`);
  for (const h of hourTicks((end - t0) / 3600)) {
    const px = n(x(t0 + h * 3600));
    parts.push(`<line x1="${px}" y1="${axisY}" x2="${px}" y2="${axisY + 6}" stroke="#555"/>`);
    parts.push(`<text x="${px}" y="${axisY + 22}" font-family="sans-serif" font-size="12" fill="#555" text-anchor="middle">T+${h}h</text>`);
  }
  const bandY = M.top + 30;
  const bandH = axisY - bandY - 20;
  for (const c of s.checkpoints) {
    const x1 = x(t(c.earliest));
    const w = Math.max(3, x(t(c.latest)) - x1);
    const color = STATE_COLOR[c.state];
    parts.push(`<rect x="${n(x1)}" y="${bandY}" width="${n(w)}" height="${bandH}" fill="${color}" fill-opacity="0.25" stroke="${color}"/>`);
    const label = `${c.label}: ${c.verdict ?? c.state}${c.outside_window ? ' (outside its window)' : ''}`;
    parts.push(`<text x="${n(x1 + w / 2)}" y="${bandY - 8}" font-family="sans-serif" font-size="13" fill="#222" text-anchor="middle">${escapeXml(label)}</text>`);
    if (c.verdict && c.verdict_at) {
      const vx = n(x(t(c.verdict_at)));
      parts.push(`<circle cx="${vx}" cy="${bandY + bandH / 2}" r="7" fill="${VERDICT_COLOR[c.verdict]}"><title>${escapeXml(`${c.label} ${c.verdict} at ${c.verdict_at}`)}</title></circle>`);
    }
  }
  const nx = n(x(t(s.now)));
  parts.push(`<line x1="${nx}" y1="${M.top}" x2="${nx}" y2="${axisY}" stroke="#222" stroke-width="2" stroke-dasharray="6 4"/>`);
  parts.push(`<text x="${nx}" y="${M.top - 6}" font-family="sans-serif" font-size="12" fill="#222" text-anchor="middle">now ${escapeXml(s.now.slice(11, 16))} UTC</text>`);
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
