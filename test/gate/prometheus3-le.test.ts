// Prometheus 3 stores classic-histogram bounds normalized (`le="2.0"`). The same traffic is
// backfilled twice with promtool, once as the Go client writes it (`le="2"`) and once as
// Prometheus 3 stores it, into two real Prometheus servers: the SLO rules, every dashboard
// query on a histogram and the gate must answer the same on both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runbook } from '../../runbooks/webhook-delivery/index.ts';
import { runGate, verdictJson } from '../../src/gate/index.ts';
import { instanceNames, scenarioSamples, type ScenarioHistory } from '../harness/history.ts';
import { startPrometheus, type TsdbServer } from '../harness/tsdb-servers.ts';
import { HISTORY_BASE } from '../harness/gate-scenarios.ts';
import { ROOT } from '../harness/cli.ts';

const MINUTES = 150;
const t0 = HISTORY_BASE;
const at = t0 + MINUTES * 60;
// 10% of deliveries above the 2 s bucket, 1% failed
const minute = () => ({ deliveries: 120, successRatio: 0.99, latency: { 0.5: 0.7, 1: 0.1, 2: 0.1, 5: 0.1 } });
const history = (leStyle: 'go' | 'prometheus3'): ScenarioHistory => ({
  name: 'le-forms',
  t0,
  minutes: MINUTES,
  instances: [
    ...instanceNames(3).map((instance) => ({ instance, minute, leStyle })),
    ...instanceNames(2, 4).map((instance) => ({ instance, minute, leStyle, labels: { track: 'stable' } })),
  ],
});

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(s: TsdbServer, q: string): Promise<Sample[]> {
  const res = await fetch(`${s.url}/api/v1/query?query=${encodeURIComponent(q)}&time=${at}`);
  const body = (await res.json()) as { status: string; error?: string; data: { result: Sample[] } };
  if (body.status !== 'success') throw new Error(`${q}: ${body.error}`);
  return body.data.result;
}

/** A result as sorted `labels=value` lines, `le` read as a number so `2` and `2.0` compare equal. */
function canonical(rows: Sample[]): string[] {
  return rows
    .map((r) => {
      const labels = Object.entries(r.metric)
        .map(([k, v]) => [k, k === 'le' ? String(Number(v === '+Inf' ? Infinity : v)) : v])
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      return `${labels} ${Number(r.value[1]).toPrecision(12)}`;
    })
    .sort();
}

/** Grafana's variables as a dashboard would send them for the canary over the last hour. */
const fillVariables = (expr: string) =>
  expr
    .replace(/\$\{?track\}?/g, 'canary')
    .replace(/\$\{?instance\}?/g, '.*')
    .replace(/\$__rate_interval/g, '5m')
    .replace(/\$__range/g, '1h')
    .replace(/\$__interval/g, '1m');

function dashboardQueries(): string[] {
  const out = new Set<string>();
  const dir = join(ROOT, 'generated/grafana/dashboards');
  for (const f of readdirSync(dir)) {
    const d = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { panels: { targets?: { expr?: string }[] }[] };
    for (const p of d.panels) for (const t of p.targets ?? []) if (t.expr && /webhook_delivery_duration_seconds_bucket/.test(t.expr)) out.add(fillVariables(t.expr));
  }
  return [...out];
}

function sloRecordingExprs(): { record: string; expr: string }[] {
  const out: { record: string; expr: string }[] = [];
  for (const slo of runbook.slos) {
    const file = parse(readFileSync(join(ROOT, 'generated/prometheus', `slo_${slo.name}.yml`), 'utf8')) as { groups: { rules: { record?: string; expr: string }[] }[] };
    // the rules on the service's own series (the rest read these records)
    for (const g of file.groups) for (const r of g.rules) if (r.record && /webhook_/.test(r.expr)) out.push({ record: `${slo.name} ${r.record}`, expr: r.expr });
  }
  return out;
}

describe('Prometheus 3 bucket bounds (le="2.0")', () => {
  let goForm: TsdbServer;
  let normalized: TsdbServer;
  beforeAll(async () => {
    [goForm, normalized] = await Promise.all([startPrometheus(scenarioSamples(history('go'))), startPrometheus(scenarioSamples(history('prometheus3')))]);
  });
  afterAll(async () => {
    await Promise.all([goForm?.stop(), normalized?.stop()]);
  });

  it('the histories differ only in how le is written', async () => {
    const bucket = 'webhook_delivery_duration_seconds_bucket';
    expect(await query(normalized, `${bucket}{le="2"}`)).toEqual([]);
    expect((await query(normalized, `${bucket}{le="2.0"}`)).length).toBe(5);
    expect((await query(goForm, `${bucket}{le="2"}`)).length).toBe(5);
  });

  it('every SLO rule on the service series gives the same result', async () => {
    const rules = sloRecordingExprs();
    expect(rules.some((r) => r.expr.includes('le=~'))).toBe(true);
    for (const r of rules) {
      const [a, b] = await Promise.all([query(goForm, r.expr), query(normalized, r.expr)]);
      expect(a.length, `${r.record} has a value`).toBeGreaterThan(0);
      expect(canonical(b), r.record).toEqual(canonical(a));
    }
  });

  it('the latency SLI is 10% errors on both, per track', async () => {
    const rule = sloRecordingExprs().find((r) => r.record.endsWith('latency slo:sli_error:ratio_rate1h'))!;
    for (const s of [goForm, normalized]) {
      const rows = await query(s, rule.expr);
      expect(rows.map((r) => [r.metric.track, Number(Number(r.value[1]).toFixed(6))]).sort()).toEqual([
        ['canary', 0.1],
        ['stable', 0.1],
      ]);
    }
  });

  it('every dashboard query on a histogram gives the same result', async () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(0);
    for (const q of queries) {
      const [a, b] = await Promise.all([query(goForm, q), query(normalized, q)]);
      expect(a.length, q).toBeGreaterThan(0);
      expect(canonical(b), q).toEqual(canonical(a));
    }
  });

  it('the gate gives the same verdict, checks and numbers', async () => {
    const opts = { runbook, start: t0 + 30 * 60, at, checkpoint: '2h', phase: 5, skip: ['pii'] };
    const [a, b] = await Promise.all([runGate({ ...opts, prometheus: goForm.url }), runGate({ ...opts, prometheus: normalized.url })]);
    const ja = verdictJson(a);
    const jb = verdictJson(b);
    expect(ja.metrics.p95_ms).toBeGreaterThan(0);
    expect({ ...jb, notes: undefined }).toEqual({ ...ja, notes: undefined });
  });
});
