// `slogate slo status`: the daily SLO check (phase 3) read from the generated recording rules.
import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { SloDef } from '../../slo/types.ts';
import { lineChart } from '../../charts/svg.ts';
import { toRfc3339 } from '../../evidence/verdict.ts';
import { authFromEnv, PrometheusClient, PrometheusError } from '../../prometheus/client.ts';
import { fetchBurnDown, fetchSloStatus } from '../../slo/status-query.ts';
import { burnDownFile, SLO_STATUS_FILE, sloVerdict, type SloGroupStatus } from '../../slo/status.ts';
import { UserError } from '../errors.ts';
import { loadRunbook } from '../runbook.ts';
import { durationMs, instant } from './gate.ts';

export const SLO_STATUS_EXIT = { ok: 0, breach: 1, usage: 2, unknown: 3 } as const;

interface SloFlags {
  runbook?: string;
  prometheus: string;
  slo?: string[];
  at?: string;
  json?: boolean;
  out?: string;
  timeout: string;
}

const pct = (v: number | null, digits = 4) => (v === null ? '—' : `${v.toFixed(digits)}%`);
const x = (v: number | null) => (v === null ? '—' : `${v.toFixed(2)}x`);
const groupText = (g: Record<string, string>) => (Object.keys(g).length ? ` {${Object.entries(g).map(([k, v]) => `${k}="${v}"`).join(',')}}` : '');

function hoursText(h: number | null): string {
  if (h === null) return 'not burning';
  if (h === 0) return 'gone';
  // float noise (89.9999… h) must not round a 3.75 d down
  return h >= 48 ? `${h.toFixed(0)} h, ${(Math.round((h / 24) * 10 + 1e-6) / 10).toFixed(1)} d` : `${h.toFixed(1)} h`;
}

export function sloStatusText(groups: readonly SloGroupStatus[]): string {
  const out: string[] = [];
  for (const g of groups) {
    out.push(`${g.slo}${groupText(g.group)}: objective ${g.objective_percent}% over ${g.window}${g.exhausted ? '  BUDGET EXHAUSTED' : ''}${g.page_burn ? '  PAGE-LEVEL BURN' : ''}`);
    if (g.problem) {
      out.push(`  cannot tell: ${g.problem}`, '');
      continue;
    }
    out.push(`  achieved ${pct(g.achieved_percent)}, budget left ${pct(g.budget_remaining_percent, 1)} (${hoursText(g.hours_to_exhaustion)} at the current ${g.current_burn_window} burn ${x(g.current_burn_rate)})`);
    out.push(`  burn rate: ${g.tiers.map((t) => `${t.long_window}/${t.short_window} ${x(t.long_burn)}/${x(t.short_burn)} (${t.severity} above ${t.threshold}x${t.burning ? ', BURNING' : ''})`).join('; ')}`);
    out.push(`  alerts firing: ${g.alerts_firing.length ? g.alerts_firing.map((a) => `${a.alertname} (${a.severity})`).join(', ') : 'none'}`, '');
  }
  const v = sloVerdict(groups);
  out.push(v === 'ok' ? 'SLOs ok.' : v === 'breach' ? 'SLO BREACH: a budget is exhausted or a page-level burn is on.' : 'SLO status unknown: some SLO could not be read.');
  return out.join('\n') + '\n';
}

export function registerSlo(program: Command): void {
  const slo = program.command('slo').description('the SLOs of the runbook');
  slo
    .command('status')
    .description('per SLO: objective, achieved, budget left (percent, time at the current burn), burn per policy window, firing alerts')
    .requiredOption('--prometheus <url>', 'Prometheus with the generated SLO recording rules loaded')
    .option('--runbook <path>', 'runbook module (default: package.json "slogate.runbook", else the webhook-delivery runbook)')
    .option('--slo <name...>', "only these of the runbook's SLOs")
    .option('--at <rfc3339>', 'evaluate at this time instead of now')
    .option('--json', 'print the status as JSON')
    .option('--out <dir>', `also write ${SLO_STATUS_FILE} and a budget burn-down SVG per SLO into this (evidence) folder`)
    .option('--timeout <duration>', 'timeout of each HTTP request', '10s')
    .action(async (flags: SloFlags) => {
      const rb = await loadRunbook(flags.runbook);
      const unknown = (flags.slo ?? []).filter((n) => !rb.slos.some((s) => s.name === n));
      if (unknown.length) throw new UserError(`--slo ${unknown.join(', ')}: no such SLO (known: ${rb.slos.map((s) => s.name).join(', ')})`, SLO_STATUS_EXIT.usage);
      const chosen: readonly SloDef[] = flags.slo?.length ? rb.slos.filter((s) => flags.slo!.includes(s.name)) : rb.slos;
      if (flags.out && existsSync(flags.out) && !statSync(flags.out).isDirectory()) throw new UserError(`--out ${flags.out} is a file, not a folder`, SLO_STATUS_EXIT.usage);
      const time = flags.at ? instant('--at', flags.at) : Date.now() / 1000;
      let client: PrometheusClient;
      try {
        client = new PrometheusClient({ url: flags.prometheus, auth: authFromEnv(), timeoutMs: durationMs('--timeout', flags.timeout), deadlineMs: 60_000 });
      } catch (err) {
        if (err instanceof PrometheusError) throw new UserError(err.message, SLO_STATUS_EXIT.usage);
        throw err;
      }
      try {
        let groups: SloGroupStatus[];
        try {
          groups = (await Promise.all(chosen.map((s) => fetchSloStatus(client, s, rb.burnPolicy, time)))).flat();
        } catch (err) {
          if (err instanceof PrometheusError && err.kind === 'bad_request' && !err.status) throw new UserError(err.message, SLO_STATUS_EXIT.usage);
          throw new UserError(`cannot read the SLO records: ${(err as Error).message}`, SLO_STATUS_EXIT.unknown);
        }
        const verdict = sloVerdict(groups);
        const doc = { at: toRfc3339(Math.floor(time)), verdict, slos: groups };
        if (flags.out) {
          await mkdir(path.join(flags.out, path.dirname(SLO_STATUS_FILE)), { recursive: true });
          await writeFile(path.join(flags.out, SLO_STATUS_FILE), JSON.stringify(doc, null, 2) + '\n');
          for (const s of chosen) {
            const downs = await fetchBurnDown(client, s, time).catch((err: Error) => {
              process.stderr.write(`slogate: warning: no burn-down chart for ${s.name}: ${err.message}\n`);
              return [];
            });
            for (const d of downs) {
              const svg = lineChart({ title: `${s.displayName}${groupText(d.group)}: error budget left over ${s.timeWindow}`, unit: '%', points: d.points, thresholds: [{ value: 0, label: 'exhausted', kind: 'critical' }], format: (v) => `${Math.round(v)}` });
              await writeFile(path.join(flags.out, burnDownFile(s.name, d.group)), svg);
            }
          }
        }
        process.stdout.write(flags.json ? JSON.stringify(doc, null, 2) + '\n' : sloStatusText(groups));
        process.exitCode = SLO_STATUS_EXIT[verdict === 'ok' ? 'ok' : verdict === 'breach' ? 'breach' : 'unknown'];
      } finally {
        client.close();
      }
    });
}
