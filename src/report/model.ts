// Report views: plain data the templates print. Every number is formatted here, once,
// from the gate's JSON and the evidence, so templates stay logic-free and overridable.
import { instanceName, type Runbook } from '../contract/runbook.ts';
import { PII_CATEGORIES } from '../contract/metrics.ts';
import { drawPanel, evidencePanels, type EvidencePanel } from '../charts/panels.ts';
import { toUnix, type VerdictCheck, type VerdictDoc } from '../evidence/verdict.ts';
import type { ReportSources } from './load.ts';
import { timelineSvg } from '../charts/timeline.ts';
import { DRAIN_CHART_FILE, drainChartSvg } from '../rollback/index.ts';
import { rolloutStatus } from '../rollout/status.ts';
import { nextStep, rollbackTo, type NextStep } from './next-step.ts';

export interface ReportContext {
  /** The runbook the verdict was taken under: thresholds, phases, channels, panels. */
  runbook: Runbook;
  operator: string;
  generatedAt: Date;
  /** For `--kind rollback`: when the rollback started (default: the verdict time). */
  rollbackTime?: number;
  /** Canary deliveries per second now, when Prometheus was asked (rollback step 3). */
  trafficNow?: number | null;
  /** Relative path from the report to the evidence folder, for links; null without one. */
  evidenceLink: string | null;
}

const STATUS: Record<VerdictCheck['status'], string> = { pass: '✅ pass', warn: '⚠️ warn', fail: '❌ fail', critical: '❌ critical', no_data: '❔ no data' };
const VERDICT_MARK: Record<VerdictDoc['verdict'], string> = { promote: '✅', continue: '✅', marginal: '⚠️', rollback: '❌', inconclusive: '⏸️' };

/** Status marks for the HTML report: inline SVG plus the word, so no emoji font is needed. */
type Mark = 'ok' | 'warn' | 'bad' | 'unknown' | 'hold';
const STATUS_KEY: Record<VerdictCheck['status'], Mark> = { pass: 'ok', warn: 'warn', fail: 'bad', critical: 'bad', no_data: 'unknown' };
const VERDICT_KEY: Record<VerdictDoc['verdict'], Mark> = { promote: 'ok', continue: 'ok', marginal: 'warn', rollback: 'bad', inconclusive: 'hold' };
const STATUS_WORD: Record<VerdictCheck['status'], string> = { pass: 'pass', warn: 'warn', fail: 'fail', critical: 'critical', no_data: 'no data' };
const MARK_SHAPE: Record<Mark, { color: string; title: string; path: string }> = {
  ok: { color: '#1e8e3e', title: 'pass', path: '<path d="M4 8.5l2.5 2.5L12 5.5" fill="none" stroke="#fff" stroke-width="2"/>' },
  warn: { color: '#e37400', title: 'warning', path: '<path d="M8 4v5M8 11v1.5" stroke="#fff" stroke-width="2"/>' },
  bad: { color: '#d93025', title: 'fail', path: '<path d="M5 5l6 6M11 5l-6 6" stroke="#fff" stroke-width="2"/>' },
  unknown: { color: '#5f6368', title: 'no data', path: '<path d="M6 6.2a2 2 0 1 1 2.6 1.9c-.4.2-.6.5-.6 1V10M8 11.5v1.2" fill="none" stroke="#fff" stroke-width="1.6"/>' },
  hold: { color: '#5f6368', title: 'hold', path: '<path d="M6 5v6M10 5v6" stroke="#fff" stroke-width="2"/>' },
};
export function markSvg(m: Mark): string {
  const s = MARK_SHAPE[m];
  return `<svg class="mark" width="14" height="14" viewBox="0 0 16 16" role="img" aria-label="${s.title}"><circle cx="8" cy="8" r="8" fill="${s.color}"/>${s.path}</svg>`;
}
const statusHtml = (st: VerdictCheck['status'], also = '') => `${markSvg(STATUS_KEY[st])} ${STATUS_WORD[st]}${also}`;

/** Worst first: the status a row of several checks shows. */
const SEVERITY: readonly VerdictCheck['status'][] = ['critical', 'fail', 'no_data', 'warn', 'pass'];

/** Deliveries are a count: `increase()` extrapolates to fractions, a report prints whole deliveries. */
const fmtCount = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? '—' : String(Math.round(v)));

const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
export const fmtNumber = (v: number | null | undefined, digits = 2, unit = ''): string =>
  v === null || v === undefined || Number.isNaN(v) ? '—' : `${Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}${unit}`;

/** A number from the verdict JSON exactly as recorded (the gate already rounded it): 94.9968 must not print as 95.00. */
export const fmtExact = (v: number | null | undefined, unit = ''): string => (v === null || v === undefined || Number.isNaN(v) ? '—' : `${String(v)}${unit}`);

function tPlus(t: number, start: number): string {
  const m = Math.round((t - start) / 60);
  if (m < 0) return `T-${-m}m`;
  const h = Math.floor(m / 60);
  return h ? `T+${h}h${m % 60 ? ` ${m % 60}m` : ''}` : `T+${m}m`;
}

function checkOf(v: VerdictDoc, name: string): VerdictCheck | undefined {
  return v.checks.find((c) => c.name === name);
}

/** The runbook's SLO gate table: value, target, critical threshold, status. */
function gateRows(v: VerdictDoc, rb: Runbook) {
  const canaryGates = rb.gates;
  const sr = canaryGates.successRate;
  const lat = canaryGates.p95LatencyMs;
  const cb = canaryGates.circuitBreakerOpensPerDay;
  const m = v.metrics;
  // a gate's row shows the worst of its checks: a sustained breach is the success-rate gate's rollback
  const st = (...names: string[]) => {
    const cs = names.map((n) => checkOf(v, n)).filter((c): c is VerdictCheck => !!c);
    if (!cs.length) return { status: '—', statusHtml: '—' };
    const worst = cs.reduce((a, b) => (SEVERITY.indexOf(b.status) < SEVERITY.indexOf(a.status) ? b : a));
    const by = worst.name !== names[0] && worst.status !== 'pass' ? ` (${worst.name})` : '';
    return { status: `${STATUS[worst.status]}${by}`, statusHtml: statusHtml(worst.status, by) };
  };
  return [
    { gate: 'Success rate', value: fmtExact(m.success_rate, '%'), target: `≥ ${sr.target}%`, critical: `< ${sr.critical}% rolls back`, ...st('success_rate', 'sustained_success_rate') },
    { gate: 'P95 latency', value: fmtExact(m.p95_ms, ' ms'), target: `< ${lat.target} ms`, critical: `> ${lat.critical} ms rolls back`, ...st('p95_latency', 'sustained_p95_latency') },
    { gate: 'Circuit breaker opens', value: fmtExact(m.cb_opens), target: `< ${cb.target}/day`, critical: `> ${cb.critical}/day rolls back`, ...st('circuit_breaker_opens') },
    { gate: 'PII leaks', value: fmtExact(m.pii_leaks, ' lines'), target: `${canaryGates.piiLeaks.target}`, critical: 'any leak rolls back', ...st('pii_leaks') },
    { gate: 'Critical alerts fired', value: fmtExact(m.critical_alerts), target: '0', critical: 'blocks promotion', ...st('critical_alerts') },
  ];
}

function phaseLabel(rb: Runbook, percent: number): string {
  const canaryPhases = rb.phases;
  const p = canaryPhases.find((x) => x.phase === percent);
  return p ? `Phase ${canaryPhases.indexOf(p) + 1} (${percent}%)` : `${percent}%`;
}

export interface ChartView {
  slug: EvidencePanel['slug'];
  title: string;
  svg: string;
  /** Link to the panel file in the evidence folder (markdown). */
  link: string | null;
}

function charts(s: ReportSources, ctx: ReportContext, only?: EvidencePanel['slug'][]): ChartView[] {
  if (!s.chart) return [];
  const cp = s.verdict.checkpoint;
  return evidencePanels(ctx.runbook)
    .filter((p) => !only || only.includes(p.slug))
    .map((p) => {
      const file = s.evidenceFiles.find((f) => f.startsWith(`grafana/T+${cp}_${p.slug}.`));
      return { slug: p.slug, title: p.title, svg: drawPanel(ctx.runbook, p.slug, s.chart!, { width: 900, height: 420 }), link: file && ctx.evidenceLink !== null ? `${ctx.evidenceLink}/${file}` : null };
    });
}

function common(s: ReportSources, ctx: ReportContext) {
  const v = s.verdict;
  const start = toUnix(v.window.start);
  const end = toUnix(v.window.end);
  return {
    checkpoint: `T+${v.checkpoint}`,
    phase: phaseLabel(ctx.runbook, v.phase),
    nextPhase: v.next_phase === 0 ? '0%' : phaseLabel(ctx.runbook, v.next_phase),
    verdict: v.verdict,
    verdictUpper: v.verdict.toUpperCase(),
    verdictMark: VERDICT_MARK[v.verdict],
    verdictIcon: markSvg(VERDICT_KEY[v.verdict]),
    window: { start: iso(start), end: iso(end), minutes: fmtNumber((end - start) / 60, 0) },
    operator: ctx.operator,
    generated: ctx.generatedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    reasons: v.reasons,
    skipped: v.skipped ?? [],
    gates: gateRows(v, ctx.runbook),
    checks: v.checks.map((c) => ({ name: c.name, value: c.name === 'deliveries' ? fmtCount(c.value) : fmtExact(c.value), target: c.target, status: STATUS[c.status], statusHtml: statusHtml(c.status), detail: c.detail })),
    deliveries: fmtCount(v.metrics.deliveries),
    evidence: ctx.evidenceLink,
  };
}

function hourlyRows(s: ReportSources, rb: Runbook) {
  const canaryGates = rb.gates;
  return s.hourly.map((h) => ({
    label: h.label,
    start: h.window.start.slice(11, 16),
    deliveries: fmtNumber(h.deliveries, 0),
    successRate: fmtNumber(h.success_rate, 2, '%'),
    p95: fmtNumber(h.p95_ms, 0, ' ms'),
    cbOpens: fmtNumber(h.cb_opens, 0),
    ...(() => {
      const off = (h.success_rate !== null && h.success_rate < canaryGates.successRate.target) || (h.p95_ms !== null && h.p95_ms >= canaryGates.p95LatencyMs.target);
      return { flag: off ? '⚠️' : '', flagHtml: off ? `${markSvg('warn')} below target` : '' };
    })(),
  }));
}

function piiRows(s: ReportSources) {
  if (!s.pii) return [];
  return PII_CATEGORIES.map((c) => ({ category: c, lines: fmtNumber(s.pii![c] ?? 0, 0), file: `pii/${c}_T+${s.verdict.checkpoint}.txt` }));
}

function alertRows(s: ReportSources) {
  return (s.alerts?.fired ?? []).map((a) => ({
    name: a.alertname,
    severity: a.severity,
    first: a.first_firing,
    last: a.last_firing,
    minutes: fmtNumber(a.firing_minutes, 0),
  }));
}

/** The rollout timeline as of this verdict: T+0, each checkpoint's window and verdict. */
function rolloutView(s: ReportSources, ctx: ReportContext) {
  const r = s.rollout;
  if (!r || r.t0 === null || !ctx.runbook.phases.some((p) => p.phase === s.verdict.phase)) return null;
  const status = rolloutStatus({ runbook: ctx.runbook, phase: s.verdict.phase, t0: r.t0, now: toUnix(s.verdict.window.end), recorded: r.recorded, evidenceDir: s.evidenceDir ?? '.' });
  return {
    svg: timelineSvg(status),
    rows: status.checkpoints.map((c) => ({ label: c.label, earliest: c.earliest, latest: c.latest, verdict: c.verdict ?? c.state })),
  };
}

const pct = (v: number | null, digits: number) => (v === null ? '—' : `${v.toFixed(digits)}%`);

/** The SLO section: what `slo status --out` found, and its burn-down charts. */
function sloView(s: ReportSources, ctx: ReportContext) {
  if (!s.slo) return null;
  return {
    at: s.slo.status.at,
    verdict: s.slo.status.verdict,
    rows: s.slo.status.slos.map((g) => ({
      slo: g.slo,
      group: Object.entries(g.group ?? {}).map(([k, v]) => `${k}=${v}`).join(', ') || '—',
      objective: `${g.objective_percent}%`,
      achieved: pct(g.achieved_percent, 3),
      budgetLeft: pct(g.budget_remaining_percent, 1),
      timeLeft: g.hours_to_exhaustion === null ? 'not burning' : g.hours_to_exhaustion === 0 ? 'exhausted' : `${fmtNumber(g.hours_to_exhaustion, 1)} h`,
      burn: g.current_burn_rate === null ? '—' : `${fmtNumber(g.current_burn_rate, 2)}x (${g.current_burn_window})`,
      alerts: g.alerts_firing.map((a) => a.alertname).join(', ') || 'none',
      flag: g.exhausted || g.page_burn ? '❌' : '',
    })),
    charts: s.slo.charts.map((c) => ({ title: c.file.replace(/^slo\//, '').replace(/_burndown\.svg$/, ''), svg: c.svg, link: ctx.evidenceLink !== null ? `${ctx.evidenceLink}/${c.file}` : null })),
  };
}

/** Rollback step 3 as `rollback verify` measured it. */
function drainView(s: ReportSources, ctx: ReportContext) {
  const d = s.drain;
  if (!d) return null;
  return {
    result: d.result,
    started: d.started,
    ended: d.ended,
    drainedAt: d.drained_at ?? '—',
    drainSeconds: d.drain_seconds === null ? '—' : `${d.drain_seconds} s`,
    deadline: `${d.deadline_seconds} s`,
    stillSending: d.still_sending.map((x) => `${x.instance} ${fmtNumber(x.rate, 2)}/s`).join(', '),
    rows: d.samples.map((x) => ({ time: x.t, total: x.total === null ? `no answer${x.error ? `: ${x.error}` : ''}` : `${fmtNumber(x.total, 3)}/s`, instances: x.per_instance ? Object.keys(x.per_instance).length : 0 })),
    svg: drainChartSvg(d),
    chartLink: s.evidenceFiles.includes(DRAIN_CHART_FILE) && ctx.evidenceLink !== null ? `${ctx.evidenceLink}/${DRAIN_CHART_FILE}` : null,
  };
}

export function checkpointView(s: ReportSources, ctx: ReportContext) {
  const v = s.verdict;
  const step: NextStep = nextStep(ctx.runbook, v.verdict, v.phase, v.checkpoint, s.evidenceDir ?? undefined);
  return {
    rollout: rolloutView(s, ctx),
    slo: sloView(s, ctx),
    kind: 'checkpoint',
    title: `Webhook canary T+${v.checkpoint} checkpoint report`,
    ...common(s, ctx),
    charts: charts(s, ctx),
    hasCharts: !!s.chart,
    hourly: hourlyRows(s, ctx.runbook),
    hasHourly: s.hourly.length > 0,
    pii: piiRows(s),
    hasPii: !!s.pii,
    alerts: alertRows(s),
    alertCounts: s.alerts ? { critical: s.alerts.counts.critical, warning: s.alerts.counts.warning } : null,
    activeNow: s.alerts?.active_now ?? null,
    next: step,
  };
}

function timeline(s: ReportSources, ctx: ReportContext) {
  const v = s.verdict;
  const start = toUnix(v.window.start);
  const end = toUnix(v.window.end);
  const events: { t: number; event: string }[] = [{ t: start, event: `Canary started (${phaseLabel(ctx.runbook, v.phase)})` }];
  for (const a of s.alerts?.fired ?? []) {
    events.push({ t: toUnix(a.first_firing), event: `Alert ${a.alertname} (${a.severity}) firing` });
    events.push({ t: toUnix(a.last_firing), event: `Alert ${a.alertname} last seen firing` });
  }
  for (const c of v.checks) {
    const m = /from (\d{4}-\d\d-\d\dT[\d:]+Z)/.exec(c.detail);
    if (c.status === 'critical' && m) events.push({ t: toUnix(m[1]), event: `Breach began: ${c.detail}` });
  }
  const leakAt = (v.logs as { first_leak_ts?: unknown } | undefined)?.first_leak_ts;
  if (typeof leakAt === 'string' && v.checks.some((c) => c.name === 'pii_leaks' && c.status === 'critical')) {
    events.push({ t: toUnix(leakAt), event: 'First log line with PII written (redacted lines in pii/)' });
  }
  events.push({ t: end, event: `T+${v.checkpoint} gate: ${v.verdict.toUpperCase()}` });
  for (const line of s.rollbackLog) {
    const m = /^(.+?) - (.+)$/.exec(line);
    const t = m ? Date.parse(m[1]) / 1000 : Number.NaN;
    if (!Number.isNaN(t)) events.push({ t, event: m![2] });
  }
  if (ctx.rollbackTime !== undefined && !s.rollbackLog.some((l) => /ROLLBACK INITIATED/.test(l))) events.push({ t: ctx.rollbackTime, event: 'Rollback initiated' });
  return events
    .sort((a, b) => a.t - b.t)
    .map((e) => ({ time: iso(e.t), hhmm: iso(e.t).slice(11, 16), tPlus: tPlus(e.t, start), event: e.event }));
}

/** Worst per-minute values of the window, with when they happened. */
function extremes(s: ReportSources) {
  if (!s.chart) return null;
  const worst = (pts: readonly [number, number][], pick: (a: number, b: number) => boolean) => {
    let best: [number, number] | null = null;
    for (const p of pts) if (Number.isFinite(p[1]) && (!best || pick(p[1], best[1]))) best = p;
    return best;
  };
  const sr = worst(s.chart.successRate, (a, b) => a < b);
  const p95 = worst(s.chart.p95Ms, (a, b) => a > b);
  const last = <T extends [number, number]>(pts: readonly T[]) => [...pts].reverse().find((p) => Number.isFinite(p[1])) ?? null;
  const lsr = last(s.chart.successRate);
  const lp = last(s.chart.p95Ms);
  return {
    lowestSuccess: sr ? `${fmtNumber(sr[1], 2, '%')} at ${iso(sr[0])}` : '—',
    highestP95: p95 ? `${fmtNumber(p95[1], 0, ' ms')} at ${iso(p95[0])}` : '—',
    lastSuccess: lsr ? `${fmtNumber(lsr[1], 2, '%')} at ${iso(lsr[0])}` : '—',
    lastP95: lp ? `${fmtNumber(lp[1], 0, ' ms')} at ${iso(lp[0])}` : '—',
  };
}

export function rollbackView(s: ReportSources, ctx: ReportContext) {
  const v = s.verdict;
  const rb = ctx.runbook;
  const canaryChannels = rb.channels;
  const phase = rb.phases.find((p) => p.phase === v.phase) ?? rb.phases[0];
  const rollbackAt = ctx.rollbackTime ?? toUnix(v.window.end);
  const log = s.rollbackLog.join('\n');
  const initiated = /ROLLBACK INITIATED/.test(log);
  const complete = /ROLLBACK COMPLETE/.test(log);
  const instances = `${instanceName(rb.service.instancePattern, 1)} to ${instanceName(rb.service.instancePattern, rollbackTo(rb))}`;
  const traffic = ctx.trafficNow;
  const drain = drainView(s, ctx);
  const stopped = (traffic !== undefined && traffic !== null && traffic < 0.01) || drain?.result === 'drained';
  const steps = [
    { n: 1, title: `Disable the feature flag on ${instances}`, time: '0-2 min', done: initiated, note: initiated ? 'rollback_log.txt records ROLLBACK INITIATED' : 'not recorded in rollback_log.txt' },
    { n: 2, title: 'Verify the rollout of every instance', time: '2-5 min', done: complete, note: complete ? 'rollback recorded complete' : 'check `kubectl rollout status` for each instance' },
    {
      n: 3,
      title: 'Verify webhook traffic stops',
      time: '5-10 min',
      // a measured drain decides step 3; without one, the log or a rate taken now
      done: drain ? drain.result === 'drained' : stopped || complete,
      note: drain
        ? drain.result === 'drained'
          ? `slogate rollback verify: traffic reached 0 at ${drain.drainedAt}, ${drain.drainSeconds} after the check started`
          : drain.result === 'flowing'
            ? `slogate rollback verify: still sending after ${drain.deadline}: ${drain.stillSending}`
            : 'slogate rollback verify could not read the delivery rate'
        : traffic === undefined || traffic === null
          ? 'not measured (run slogate rollback verify, or give --prometheus to check the delivery rate)'
          : `canary delivery rate now ${fmtNumber(traffic, 3)}/s${stopped ? '' : ' (not yet 0)'}`,
    },
    { n: 4, title: 'Generate the rollback report', time: '10-15 min', done: true, note: 'this report' },
    { n: 5, title: `Communicate: post in ${canaryChannels.ops} and record ROLLBACK COMPLETE`, time: '15 min', done: complete, note: complete ? 'done' : 'to do' },
  ].map((x) => ({ ...x, mark: x.done ? '[x]' : '[ ]' }));
  const due = (h: number) => iso(rollbackAt + h * 3600);
  const after = [
    { when: `within 1 hour (by ${due(1)})`, items: [`Post in ${canaryChannels.ops}: "❌ Webhook canary rolled back - [link to rollback report]"`, 'Update the status page: "Webhook delivery canary halted"', 'Notify stakeholders (PM, Tech Lead, On-call Manager)'] },
    { when: `within 4 hours (by ${due(4)})`, items: ['Generate the post-mortem draft: slogate report --kind postmortem', 'Assign an RCA owner', 'Schedule the post-mortem meeting (within 24h)'] },
    { when: `within 24 hours (by ${due(24)})`, items: ['Complete the RCA: timeline, root cause, corrective actions with owners and due dates, prevention', 'Update the runbook with lessons learned', 'Block future canaries until corrective actions are complete'] },
    { when: 'before the next canary', items: ['Verify all corrective actions completed', 'Add regression tests for the failure mode', 'Update guardrails if needed', 'Get sign-off from the Tech Lead'] },
  ];
  const triggers = v.checks.filter((c) => c.status === 'critical' || c.status === 'fail').map((c) => ({ name: c.name, value: fmtExact(c.value), target: c.target, detail: c.detail }));
  return {
    kind: 'rollback',
    title: `Webhook canary rollback report (${phaseLabel(ctx.runbook, v.phase)}, T+${v.checkpoint})`,
    ...common(s, ctx),
    rollbackTime: iso(rollbackAt),
    rollbackTPlus: tPlus(rollbackAt, toUnix(v.window.start)),
    triggers,
    hasTriggers: triggers.length > 0,
    manualNote: triggers.length ? '' : 'No gate check failed: this rollback was a manual escalation.',
    timeline: timeline(s, ctx),
    extremes: extremes(s),
    steps,
    stepsLeft: steps.filter((x) => !x.done).length,
    after,
    charts: charts(s, ctx, ['success_rate', 'p95_latency']),
    alerts: alertRows(s),
    drain,
  };
}

export function postmortemView(s: ReportSources, ctx: ReportContext) {
  const v = s.verdict;
  const start = toUnix(v.window.start);
  const end = ctx.rollbackTime ?? toUnix(v.window.end);
  const tl = timeline(s, ctx);
  // the incident runs from the first sign of trouble (first alert, breach, or leaked line) to the rollback
  const leakAt = (v.logs as { first_leak_ts?: unknown } | undefined)?.first_leak_ts;
  const piiCritical = v.checks.some((c) => c.name === 'pii_leaks' && c.status === 'critical');
  const signs = [
    ...(s.alerts?.fired ?? []).map((a) => toUnix(a.first_firing)),
    ...v.checks.flatMap((c) => {
      const m = c.status === 'critical' ? /from (\d{4}-\d\d-\d\dT[\d:]+Z)/.exec(c.detail) : null;
      return m ? [toUnix(m[1])] : [];
    }),
    ...(piiCritical && typeof leakAt === 'string' ? [toUnix(leakAt)] : []),
  ].filter((t) => t >= start && t <= end);
  const firstSign = signs.length ? Math.min(...signs) : null;
  const minutes = firstSign === null ? null : Math.round((end - firstSign) / 60);
  const deliveries = v.metrics.deliveries;
  const failed = deliveries !== null && v.metrics.success_rate !== null ? Math.round(deliveries * (1 - v.metrics.success_rate / 100)) : null;
  const worstHours = [...s.hourly].filter((h) => h.success_rate !== null).sort((a, b) => a.success_rate! - b.success_rate!).slice(0, 3);
  const firstAlert = (s.alerts?.fired ?? [])[0];
  const well: string[] = [];
  if (firstAlert) well.push(`Alert ${firstAlert.alertname} fired at ${firstAlert.first_firing} (${tPlus(toUnix(firstAlert.first_firing), start)}).`);
  well.push(`The T+${v.checkpoint} gate answered ${v.verdict.toUpperCase()} at ${iso(toUnix(v.window.end))} from recorded evidence.`);
  return {
    kind: 'postmortem',
    title: `Webhook canary ${v.verdict === 'rollback' ? 'rollback' : v.verdict} at T+${v.checkpoint} (${phaseLabel(ctx.runbook, v.phase)})`,
    ...common(s, ctx),
    date: iso(end).slice(0, 10),
    // no start known (a leak in lines without timestamps): say so, never "00:00"
    duration:
      minutes === null
        ? `unknown: the evidence has no alert, breach or leaked-line time to start from (at most ${Math.round((end - start) / 60)} minutes, the window)`
        : `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')} (${minutes} minutes)`,
    durationFrom: firstSign === null ? iso(start) : iso(firstSign),
    durationTo: iso(end),
    impact: {
      summary:
        failed === null
          ? 'Delivery counts are not available.'
          : `${fmtCount(failed)} of ${fmtCount(deliveries)} canary deliveries failed (success rate ${fmtExact(v.metrics.success_rate, '%')}) at ${v.phase}% of traffic`,
      failed: fmtCount(failed),
      deliveries: fmtCount(deliveries),
      successRate: fmtExact(v.metrics.success_rate, '%'),
      p95: fmtExact(v.metrics.p95_ms, ' ms'),
      cbOpens: fmtExact(v.metrics.cb_opens),
      piiLeaks: fmtExact(v.metrics.pii_leaks),
      worstHours: worstHours.map((h) => ({ label: h.label, successRate: fmtNumber(h.success_rate, 2, '%'), failed: fmtNumber(h.deliveries !== null && h.successes !== null ? h.deliveries - h.successes : null, 0) })),
    },
    timeline: tl,
    wentWell: well,
    wentWrong: v.reasons,
    owner: ctx.operator,
    checkpointMinutes: ctx.runbook.checkpoints[v.checkpoint]?.minutes ?? null,
  };
}
