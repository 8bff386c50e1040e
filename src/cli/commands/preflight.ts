// `slogate preflight`: the runbook's pre-flight checklist as named checks; exit 0 only
// when every required one passes, `--start-now` records T+0 once they do.
import { Command, Option } from 'commander';
import { canaryMatchersOf } from '../../contract/runbook.ts';
import { selector as renderMatchers } from '../../contract/selectors.ts';
import { grafanaTokenFromEnv } from '../../evidence/grafana.ts';
import { authFromEnv, PrometheusError } from '../../prometheus/client.ts';
import { CHECK_IDS, type CheckId, type CheckResult } from '../../preflight/checks.ts';
import { phaseInstances, runPreflight, type PreflightResult } from '../../preflight/run.ts';
import { SECRET_ENV } from '../../preflight/secret.ts';
import { UserError } from '../errors.ts';
import { loadRunbook } from '../runbook.ts';
import { durationMs, selectorFlag } from './gate.ts';

export const PREFLIGHT_EXIT = { ok: 0, failed: 1, usage: 2 } as const;

interface PreflightFlags {
  runbook?: string;
  prometheus: string;
  alertmanager?: string;
  grafana?: string;
  evidence: string;
  generated: string;
  selector?: string;
  phase?: string;
  instances?: string;
  secretEnv: string;
  skip?: CheckId[];
  startNow?: boolean;
  json?: boolean;
  timeout: string;
}

const MARK: Record<CheckResult['status'], string> = { pass: 'PASS', fail: 'FAIL', skipped: 'SKIP' };

export function preflightText(r: PreflightResult): string {
  const width = Math.max(...r.checks.map((c) => c.id.length));
  const lines: string[] = [];
  for (const c of r.checks) {
    lines.push(`${MARK[c.status]}  ${c.id.padEnd(width)}  ${c.reason}${c.required ? '' : ' (not required)'}`);
    for (const d of c.details ?? []) lines.push(`      ${' '.repeat(width)}- ${d}`);
  }
  const bad = r.checks.filter((c) => c.required && c.status !== 'pass').map((c) => c.id);
  const passed = r.checks.filter((c) => c.status === 'pass').length;
  lines.push('');
  if (r.secretFingerprint) lines.push(`secret fingerprint (sha256): ${r.secretFingerprint}`);
  if (r.startTime) lines.push(`T+0: ${r.startTime}`);
  lines.push(r.ok ? `preflight passed: ${passed} of ${r.checks.length} checks pass, every required one.` : `preflight FAILED: ${bad.join(', ')} did not pass. Fix them before T+0.`);
  return lines.join('\n') + '\n';
}

export function registerPreflight(program: Command): void {
  program
    .command('preflight')
    .description("the runbook's pre-flight checklist: secret, rules, SLO records, routing, dashboard, gate queries, targets, evidence folder")
    .requiredOption('--prometheus <url>', 'Prometheus the rules are loaded into')
    .option('--alertmanager <url>', 'Alertmanager that receives the canary alerts')
    .option('--grafana <url>', 'Grafana serving the canary dashboard (token: GRAFANA_TOKEN or GRAFANA_API_KEY)')
    .option('--evidence <dir>', 'evidence folder of this canary', 'evidence/canary')
    .option('--generated <dir>', 'generated output the loaded rules must match', 'generated')
    .option('--runbook <path>', 'runbook module (default: package.json "slogate.runbook", else the webhook-delivery runbook)')
    .option('--selector <matchers>', "label matchers for the canary's series (default: the runbook's job on its canary track)")
    .option('--phase <percent>', "the phase about to start: its instances must be up, its first checkpoint's queries answer (default: the first)")
    .option('--instances <names>', "comma-separated instance names that must be up instead of the phase's, or 'any' for every matching target")
    .option('--secret-env <name>', 'environment variable holding the webhook secret', SECRET_ENV)
    .addOption(new Option('--skip <check...>', 'checks that may fail without failing the checklist').choices(CHECK_IDS.filter((c) => c !== 'start-time')))
    .option('--start-now', 'when every required check passes, write start_time.txt (T+0) into the evidence folder')
    .option('--json', 'print the checklist as JSON')
    .option('--timeout <duration>', 'timeout of each HTTP request', '10s')
    .action(async (flags: PreflightFlags) => {
      const rb = await loadRunbook(flags.runbook);
      const selector = selectorFlag(flags.selector ?? renderMatchers(canaryMatchersOf(rb)));
      const phase = flags.phase === undefined ? rb.phases[0].phase : Number(flags.phase);
      if (!rb.phases.some((p) => p.phase === phase)) {
        throw new UserError(`--phase ${JSON.stringify(flags.phase)} is not a phase of the runbook: use ${rb.phases.map((p) => p.phase).join(', ')}`, PREFLIGHT_EXIT.usage);
      }
      let expected: string[];
      if (flags.instances === undefined) expected = phaseInstances(rb, phase);
      else if (flags.instances.trim() === 'any') expected = [];
      else {
        expected = flags.instances.split(',').map((s) => s.trim());
        if (expected.some((s) => !s)) throw new UserError(`--instances ${JSON.stringify(flags.instances)} has an empty name`, PREFLIGHT_EXIT.usage);
      }
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(flags.secretEnv)) throw new UserError(`--secret-env ${JSON.stringify(flags.secretEnv)} is not an environment variable name`, PREFLIGHT_EXIT.usage);
      for (const [flag, url] of [['--prometheus', flags.prometheus], ['--alertmanager', flags.alertmanager], ['--grafana', flags.grafana]] as const) {
        if (url === undefined) continue;
        let ok = false;
        try {
          ok = ['http:', 'https:'].includes(new URL(url).protocol);
        } catch {
          ok = false;
        }
        if (!ok) throw new UserError(`${flag} ${JSON.stringify(url)} is not an http(s) URL`, PREFLIGHT_EXIT.usage);
      }
      let auth;
      try {
        auth = authFromEnv();
      } catch (err) {
        if (err instanceof PrometheusError) throw new UserError(err.message, PREFLIGHT_EXIT.usage);
        throw err;
      }
      const result = await runPreflight({
        runbook: rb,
        phase,
        prometheus: flags.prometheus,
        auth,
        alertmanager: flags.alertmanager,
        grafana: flags.grafana,
        grafanaToken: grafanaTokenFromEnv(),
        secret: process.env[flags.secretEnv],
        secretEnv: flags.secretEnv,
        generatedDir: flags.generated,
        evidenceDir: flags.evidence,
        selector,
        expectedInstances: expected,
        skip: new Set(flags.skip ?? []),
        startNow: flags.startNow === true,
        timeoutMs: durationMs('--timeout', flags.timeout),
      });
      process.stdout.write(
        flags.json
          ? JSON.stringify({ ok: result.ok, secret_fingerprint: result.secretFingerprint, start_time: result.startTime, checks: result.checks }, null, 2) + '\n'
          : preflightText(result),
      );
      process.exitCode = result.ok ? PREFLIGHT_EXIT.ok : PREFLIGHT_EXIT.failed;
    });
}
