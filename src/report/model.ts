// Report views: plain data the templates print. Every number is formatted here, once,
// from the gate's JSON and the evidence, so templates stay logic-free and overridable.
import { instanceName, type Runbook } from '../contract/runbook.ts';
import { PII_CATEGORIES } from '../contract/metrics.ts';
import { drawPanel, evidencePanels, type EvidencePanel } from '../charts/panels.ts';
import { toUnix, type VerdictCheck, type VerdictDoc } from '../evidence/verdict.ts';
import type { ReportSources } from './load.ts';
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
  const st = (name: string) => {
    const c = checkOf(v, name);
    return c ? STATUS[c.status] : '—';
  };
  return [
    { gate: 'Success rate', value: fmtExact(m.success_rate, '%'), target: `≥ ${sr.target}%`, critical: `< ${sr.critical}% rolls back`, status: st('success_rate') },
    { gate: 'P95 latency', value: fmtExact(m.p95_ms, ' ms'), target: `< ${lat.target} ms`, critical: `> ${lat.critical} ms rolls back`, status: st('p95_latency') },
    { gate: 'Circuit breaker opens', value: fmtExact(m.cb_opens), target: `< ${cb.target}/day`, critical: `> ${cb.critical}/day rolls back`, status: st('circuit_breaker_opens') },
    { gate: 'PII leaks', value: fmtExact(m.pii_leaks, ' lines'), target: `${canaryGates.piiLeaks.target}`, critical: 'any leak rolls back', status: st('pii_leaks') },
    { gate: 'Critical alerts fired', value: fmtExact(m.critical_alerts), target: '0', critical: 'blocks promotion', status: st('critical_alerts') },
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
    window: { start: iso(start), end: iso(end), minutes: fmtNumber((end - start) / 60, 0) },
    operator: ctx.operator,
    generated: ctx.generatedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    reasons: v.reasons,
    skipped: v.skipped ?? [],
    gates: gateRows(v, ctx.runbook),
    checks: v.checks.map((c) => ({ name: c.name, value: fmtExact(c.value), target: c.target, status: STATUS[c.status], detail: c.detail })),
    deliveries: fmtExact(v.metrics.deliveries),
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
    flag: (h.success_rate !== null && h.success_rate < canaryGates.successRate.target) || (h.p95_ms !== null && h.p95_ms >= canaryGates.p95LatencyMs.target) ? '⚠️' : '',
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

export function checkpointView(s: ReportSources, ctx: ReportContext) {
  const v = s.verdict;
  const step: NextStep = nextStep(ctx.runbook, v.verdict, v.phase, v.checkpoint);
  return {
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
  const stopped = traffic !== undefined && traffic !== null && traffic < 0.01;
  const steps = [
    { n: 1, title: `Disable the feature flag on ${instances}`, time: '0-2 min', done: initiated, note: initiated ? 'rollback_log.txt records ROLLBACK INITIATED' : 'not recorded in rollback_log.txt' },
    { n: 2, title: 'Verify the rollout of every instance', time: '2-5 min', done: complete, note: complete ? 'rollback recorded complete' : 'check `kubectl rollout status` for each instance' },
    {
      n: 3,
      title: 'Verify webhook traffic stops',
      time: '5-10 min',
      done: stopped || complete,
      note:
        traffic === undefined || traffic === null
          ? 'not measured (give --prometheus to check the delivery rate)'
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
  };
}

export function postmortemView(s: ReportSources, ctx: ReportContext) {
  const v = s.verdict;
  const start = toUnix(v.window.start);
  const end = ctx.rollbackTime ?? toUnix(v.window.end);
  const tl = timeline(s, ctx);
  // the incident runs from the first sign of trouble (first alert or breach) to the rollback
  const firstSign = Math.min(...[...(s.alerts?.fired ?? []).map((a) => toUnix(a.first_firing)), ...v.checks.flatMap((c) => {
    const m = c.status === 'critical' ? /from (\d{4}-\d\d-\d\dT[\d:]+Z)/.exec(c.detail) : null;
    return m ? [toUnix(m[1])] : [];
  })].filter((t) => t >= start && t <= end), end);
  const minutes = Math.round((end - firstSign) / 60);
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
    duration: `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')} (${minutes} minutes)`,
    durationFrom: iso(firstSign),
    durationTo: iso(end),
    impact: {
      summary:
        failed === null
          ? 'Delivery counts are not available.'
          : `${fmtExact(failed)} of ${fmtExact(deliveries)} canary deliveries failed (success rate ${fmtExact(v.metrics.success_rate, '%')}) at ${v.phase}% of traffic`,
      failed: fmtExact(failed),
      deliveries: fmtExact(deliveries),
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
