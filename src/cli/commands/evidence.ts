// `slogate evidence collect|verify`: the runbook's evidence folder, sealed by a manifest.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { runGate, summaryFromResult, verdictJson } from '../../gate/index.ts';
import { PrometheusClient, PrometheusError, authFromEnv } from '../../prometheus/client.ts';
import { appendJournal, collectEvidence, driftCount, EvidenceError, grafanaTokenFromEnv, isIncidentManifest, JournalError, layout, ManifestError, verdictProblems, verifyEvidence, PII_EVIDENCE_LINES, type CollectOptions, type CollectResult, type VerdictDoc } from '../../evidence/index.ts';
import { UserError } from '../errors.ts';
import { canaryMatchersOf, type Runbook } from '../../contract/runbook.ts';
import { canarySelector } from '../../gate/index.ts';
import { loadRunbook } from '../runbook.ts';
import { logSourceFromFlags } from './log-options.ts';
import { addGateRunOptions, asUserError, durationMs, gateOptionsFromFlags, selectorFlag, type GateRunFlags } from './gate.ts';

interface CollectFlags extends GateRunFlags {
  out: string;
  verdict?: string;
  grafana?: string;
}

/** Evidence collection exit codes: 1 says a part of the evidence could not be produced. */
export const EVIDENCE_EXIT = { ok: 0, incomplete: 1, usage: 2 } as const;

async function readVerdict(file: string, rb: Runbook): Promise<VerdictDoc> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UserError(`--verdict ${file}: ${e.code === 'ENOENT' ? 'no such file' : e instanceof SyntaxError ? `not JSON (${e.message})` : e.message}`);
  }
  const problems = verdictProblems(doc, rb);
  if (problems.length) throw new UserError(`--verdict ${file} is not a gate verdict: ${problems[0]}`);
  return doc as VerdictDoc;
}

/** Prints what was written and what is missing; sets the exit code. */
export function reportCollected(r: CollectResult, out: NodeJS.WritableStream = process.stderr): void {
  for (const line of r.incomplete) out.write(`slogate: evidence incomplete: ${line}\n`);
  out.write(`slogate: sealed ${r.manifest.files.length} evidence files in ${r.outDir}/manifest.json (verdict ${r.manifest.verdict}, panels: ${r.panels})\n`);
}

export function registerEvidence(program: Command): void {
  const evidence = program.command('evidence').description("the runbook's evidence folder: collect it, verify it");

  const collect = evidence
    .command('collect')
    .description('write the evidence folder (summary, hourly, 6h bundles, alerts, PII, panels, manifest) for one checkpoint')
    .requiredOption('--out <dir>', 'evidence folder, e.g. evidence/canary')
    .option('--verdict <file>', 'use a recorded gate verdict JSON instead of running the gate')
    .option('--grafana <url>', 'render the four panels with Grafana (token from GRAFANA_TOKEN); default: draw them as SVG');
  addGateRunOptions(collect, false)
    .action(async (flags: CollectFlags) => {
      const rb = await loadRunbook(flags.runbook);
      const selector = canarySelector(flags.selector === undefined ? undefined : selectorFlag(flags.selector), canaryMatchersOf(rb)).selector;
      let verdict: VerdictDoc;
      let summary: unknown;
      let series: { success_rate: [number, number][]; p95_ms: [number, number][] } | undefined;
      let piiScan: CollectOptions['piiScan'];
      const logSource = await logSourceFromFlags(flags);
      if (flags.verdict) {
        verdict = await readVerdict(flags.verdict, rb);
      } else {
        if (!flags.prometheus || !flags.start || !flags.checkpoint) {
          throw new UserError('give --verdict FILE, or --prometheus, --start and --checkpoint to run the gate');
        }
        const result = await runGate({ ...(await gateOptionsFromFlags(flags, rb)), piiEvidenceLines: PII_EVIDENCE_LINES }).catch(asUserError);
        piiScan = result.piiResult;
        verdict = verdictJson(result) as VerdictDoc;
        summary = summaryFromResult(result);
        series = result.series;
      }
      let client: PrometheusClient | null = null;
      try {
        client = flags.prometheus
          ? new PrometheusClient({
              url: flags.prometheus,
              auth: authFromEnv(),
              timeoutMs: durationMs('--timeout', flags.timeout),
              deadlineMs: durationMs('--deadline', flags.deadline),
            })
          : null;
      } catch (err) {
        if (err instanceof PrometheusError) throw new UserError(`--prometheus: ${err.message}`);
        throw err;
      }
      try {
        const result = await collectEvidence({
          runbook: rb,
          outDir: flags.out,
          verdict,
          summary,
          series,
          prometheus: client,
          selector,
          alertmanagerUrl: flags.alertmanager,
          grafana: flags.grafana ? { url: flags.grafana, token: grafanaTokenFromEnv() } : undefined,
          logSource,
          piiScan,
          skipPii: flags.skip?.includes('pii'),
        });
        reportCollected(result);
        process.exitCode = result.incomplete.length ? EVIDENCE_EXIT.incomplete : EVIDENCE_EXIT.ok;
      } catch (err) {
        if (err instanceof EvidenceError) throw new UserError(err.message);
        throw err;
      } finally {
        client?.close();
      }
    });

  evidence
    .command('verify')
    .description('check every file against manifest.json: exit 1 naming each changed, missing or extra file')
    .argument('<dir>', 'evidence folder')
    .action(async (dir: string) => {
      let r;
      try {
        r = await verifyEvidence(dir);
      } catch (err) {
        if (err instanceof ManifestError) throw new UserError(err.message);
        throw err;
      }
      const { drift } = r;
      for (const p of drift.changed) process.stderr.write(`slogate: changed: ${dir}/${p}\n`);
      for (const p of drift.missing) process.stderr.write(`slogate: missing: ${dir}/${p}\n`);
      for (const p of drift.extra) process.stderr.write(`slogate: extra: ${dir}/${p}\n`);
      for (const c of drift.claims) process.stderr.write(`slogate: manifest: ${dir}/${c}\n`);
      for (const g of drift.grown) process.stderr.write(`slogate: journal: ${dir}/${g.path} grew by ${g.lines} line${g.lines === 1 ? '' : 's'} after its seal (allowed: it is append-only; \`slogate evidence log\` seals each entry)\n`);
      if (driftCount(drift)) {
        process.stderr.write(`slogate: ${dir} does not match its manifest (${driftCount(drift)} difference${driftCount(drift) === 1 ? '' : 's'} in ${r.files} files)\n`);
        process.exitCode = EVIDENCE_EXIT.incomplete;
      } else {
        const m = r.manifest;
        const what = isIncidentManifest(m)
          ? `incident record, ${m.request_ids.length} run${m.request_ids.length === 1 ? '' : 's'}, last outcome ${m.outcome}`
          : `verdict ${m.verdict}, ${Object.entries(m.verdicts).map(([c, v]) => `T+${c} ${v}`).join(', ')}`;
        process.stdout.write(`${dir}: ${r.files} files match manifest.json (${what})\n`);
      }
    });

  evidence
    .command('log')
    .description(`append one timestamped entry to the folder's ${layout.rollbackLog} journal and seal it in manifest.json`)
    .argument('<message>', 'the entry, e.g. "ROLLBACK INITIATED"')
    .option('--dir <dir>', 'evidence folder', 'evidence/canary')
    .action(async (message: string, flags: { dir: string }) => {
      let r;
      try {
        r = await appendJournal(flags.dir, message);
      } catch (err) {
        if (err instanceof JournalError) throw new UserError(err.message, /no longer starts/.test(err.message) ? EVIDENCE_EXIT.incomplete : EVIDENCE_EXIT.usage);
        throw err;
      }
      process.stdout.write(`${r.file}: ${r.entry.at} - ${r.entry.message}${r.sealed ? ' (sealed in manifest.json)' : ' (no manifest.json yet: the next collect seals it)'}\n`);
    });
}
