import type { Command } from 'commander';
import { UserError } from '../errors.ts';
import { PII_CATEGORIES } from '../../contract/metrics.ts';
import { existsSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import type { PiiPolicy, Progress, ScanResult } from '../../pii/index.ts';
import { AUTO_THREADS_TEXT } from '../../pii/types.ts';
import { addLogPolicyOptions, logSourceFromFlags, type LogFlags } from './log-options.ts';

/**
 * pii-scan exit codes. A file that could not be read to the end (truncated gzip, no
 * permission) is reported with whatever was found: with PII the answer is 1 (a leak rolls
 * back, whatever else failed); without, 2 (the scan is incomplete, so not clean).
 */
export const PII_SCAN_EXIT = { clean: 0, found: 1, error: 2 } as const;

/** Redacted lines kept for `--out` evidence files. */
const EVIDENCE_LINES = 10_000;

interface PiiScanFlags extends LogFlags {
  json?: boolean;
  out?: string;
  label: string;
  jobs?: string;
  maxFindings: string;
  since: string;
  runbook?: string;
}

function positiveInt(value: string, flag: string, min = 1): number {
  if (!/^\d+$/.test(value) || Number(value) < min) throw new UserError(`${flag} must be an integer >= ${min}, got '${value}'`, 2);
  return Number(value);
}

async function progressBar(): Promise<{ update: (p: Progress) => void; stop: () => void }> {
  const { default: cliProgress } = await import('cli-progress');
  const started = Date.now();
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'pii-scan [{bar}] {percentage}% | {doneMB}/{totalMB} MB | {rate} MB/s | {leaks} lines with PII',
      hideCursor: true,
      clearOnComplete: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let startedBar = false;
  return {
    update(p) {
      const mb = (n: number) => (n / 1e6).toFixed(1);
      const secs = Math.max(0.001, (Date.now() - started) / 1000);
      const payload = { doneMB: mb(p.bytesDone), totalMB: mb(p.bytesTotal), rate: (p.bytesDone / 1e6 / secs).toFixed(0), leaks: p.findings };
      if (!startedBar) {
        bar.start(Math.max(1, p.bytesTotal), p.bytesDone, payload);
        startedBar = true;
      } else {
        bar.update(p.bytesDone, payload);
      }
    },
    stop() {
      if (startedBar) bar.stop();
    },
  };
}

/**
 * The runbook's PII policy. A runbook folder that keeps it in `pii-policy.ts` beside its index
 * (as the flagship does) is read from there: the scanner then starts without loading the
 * runbook's alerts, SLOs and dashboards. Otherwise the whole runbook is loaded for `runbook.pii`.
 */
async function runbookPiiPolicy(flag: string | undefined): Promise<PiiPolicy | undefined> {
  const { importModule, loadRunbook, runbookPath } = await import('../runbook.ts');
  const path = await runbookPath(flag);
  const sibling = join(dirname(path), `pii-policy${extname(path)}`);
  if (existsSync(sibling)) {
    let mod: Record<string, unknown>;
    try {
      mod = (await importModule(sibling)) as Record<string, unknown>;
    } catch (e) {
      throw new UserError(`${sibling}: failed to load: ${(e as Error)?.message?.split('\n')[0] ?? String(e)}`);
    }
    const found = Object.values(mod).find((v): v is PiiPolicy => !!v && typeof v === 'object' && 'fields' in v && 'phoneCountries' in v);
    if (found) return found;
  }
  return (await loadRunbook(flag)).pii;
}

/** Groups shown in the text report; the rest are counted in one line. */
const REPORT_GROUPS = 30;

/**
 * The text report: one line per (category, field), so "83,817 x ip under upstream_addr" is
 * read in one glance, with the rule that matched and the policy entry that would exempt it.
 */
export function humanReport(r: ScanResult): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const cats = PII_CATEGORIES.map((c) => `${c} ${n(r.by_category[c])}`).join(', ');
  const lines = [
    `scanned ${r.files} file(s), ${n(r.lines)} lines, ${(r.bytes / 1e6).toFixed(1)} MB`,
    `PII leaks: ${n(r.pii_leaks)} line(s) (${cats})`,
  ];
  for (const f of r.per_file.slice(0, 20)) lines.push(`  ${f.file}: ${f.lines} lines, ${f.first_ts ? `${f.first_ts} .. ${f.last_ts}` : 'no timestamps recognised'}${f.error ? ' (read error)' : ''}`);
  if (r.per_file.length > 20) lines.push(`  … ${r.per_file.length - 20} more files: use --json`);
  if (r.baseline) {
    lines.push(`baseline: ${r.baseline.files} file(s), ${n(r.baseline.lines)} lines, ${r.baseline.pairs} (category, field) pair(s); ${n(r.pre_existing ?? 0)} canary line(s) only have pre-existing pairs`);
  }
  for (const g of r.groups.slice(0, REPORT_GROUPS)) {
    const tag = g.status === 'pre-existing' ? ' [pre-existing: also in the baseline; still a leak to fix]' : '';
    lines.push(`  ${n(g.lines).padStart(9)} line(s) x ${g.category.padEnd(8)} under ${g.field}  e.g. ${g.sample}  rule ${g.rule}; exempt with ${g.exempt}${tag}`);
  }
  if (r.groups.length > REPORT_GROUPS) lines.push(`  … ${r.groups.length - REPORT_GROUPS} more (category, field) pairs: use --json`);
  const shown = r.findings.slice(0, 10);
  if (shown.length) lines.push('first findings:');
  for (const f of shown) lines.push(`  ${f.file}:${f.line}  ${f.category.padEnd(8)} ${f.redacted}  under ${f.field}  fp=${f.fingerprint}`);
  if (r.findings.length > shown.length || r.findings_truncated) lines.push(`  … more findings: use --json or --out`);
  return lines.join('\n') + '\n';
}

export function registerPiiScan(program: Command): void {
  const cmd = program
    .command('pii-scan')
    .description('scan logs for PII (email, username, ip, phone, card); exit 0 clean, 1 PII found (also when a file failed), 2 usage or read error without PII')
    .argument('[paths...]', 'files, .gz files, directories (recursive), globs, or - for standard input')
    .option('--json', 'print one JSON object instead of the text report')
    .option('--out <dir>', 'write <category>_<label>.txt (redacted lines) and summary_<label>.json')
    .option('--label <label>', 'label for --out file names, e.g. T+2h', 'scan')
    .option('--jobs <n>', `scanning threads (default: ${AUTO_THREADS_TEXT})`)
    .option('--max-findings <n>', 'cap on findings listed (counts are never capped)', '1000');
  addLogPolicyOptions(cmd)
    .option('--since <duration>', 'how far back --loki reads, e.g. 2h, 30m', '2h')
    .option('--runbook <path>', 'runbook module whose PII policy applies (default: package.json "slogate.runbook", else the webhook-delivery runbook)')
    .action(async (paths: string[], flags: PiiScanFlags) => {
      // Loaded here, not at start-up: every other command would pay for the scanner's modules.
      // Only what this scan needs: the Loki client (and its HTTP stack) only for --loki.
      const { scanLogs } = await import('../../pii/scan.ts');
      const { publicResult, writeEvidence } = await import('../../pii/evidence.ts');
      const maxFindings = positiveInt(flags.maxFindings, '--max-findings', 0);
      const jobs = flags.jobs !== undefined ? positiveInt(flags.jobs, '--jobs') : undefined;
      const source = await logSourceFromFlags(flags, paths, await runbookPiiPolicy(flags.runbook));
      const policy = source?.policy;
      const allow = source?.allow;
      const evidenceLines = flags.out ? EVIDENCE_LINES : 0;
      let result: ScanResult;
      if (source?.loki) {
        const { scanLoki } = await import('../../pii/loki.ts');
        result = await scanLoki({ url: source.loki.url, query: source.loki.query, since: flags.since, allow, policy, maxFindings, evidenceLines });
      } else {
        const bar = !flags.json && process.stderr.isTTY ? await progressBar() : undefined;
        try {
          result = await scanLogs(paths, { allow, policy, baseline: source?.baseline ? [...source.baseline] : undefined, maxFindings, jobs, evidenceLines, onProgress: bar?.update });
        } finally {
          bar?.stop();
        }
      }
      const written = flags.out ? await writeEvidence(flags.out, result, flags.label) : [];
      if (flags.json) process.stdout.write(JSON.stringify(publicResult(result), null, 2) + '\n');
      else process.stdout.write(humanReport(result) + (written.length ? `evidence: ${written.length} files in ${flags.out}\n` : ''));
      // the findings and the read errors together: the errors on stderr, both in --json
      for (const e of result.errors) process.stderr.write(`slogate: ${e.message.startsWith(e.file) || e.message.includes(e.file) ? e.message : `${e.file}: ${e.message}`}\n`);
      process.exitCode = result.pii_leaks > 0 ? PII_SCAN_EXIT.found : result.errors.length ? PII_SCAN_EXIT.error : PII_SCAN_EXIT.clean;
    });
}
