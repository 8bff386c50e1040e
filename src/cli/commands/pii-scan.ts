import type { Command } from 'commander';
import { UserError } from '../errors.ts';
import { PII_CATEGORIES } from '../../contract/metrics.ts';
import type { Progress, ScanResult } from '../../pii/index.ts';
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

function humanReport(r: ScanResult): string {
  const cats = PII_CATEGORIES.map((c) => `${c} ${r.by_category[c]}`).join(', ');
  const lines = [
    `scanned ${r.files} file(s), ${r.lines} lines, ${(r.bytes / 1e6).toFixed(1)} MB`,
    `PII leaks: ${r.pii_leaks} line(s) (${cats})`,
  ];
  for (const f of r.per_file.slice(0, 20)) lines.push(`  ${f.file}: ${f.lines} lines, ${f.first_ts ? `${f.first_ts} .. ${f.last_ts}` : 'no timestamps recognised'}${f.error ? ' (read error)' : ''}`);
  if (r.per_file.length > 20) lines.push(`  … ${r.per_file.length - 20} more files: use --json`);
  const shown = r.findings.slice(0, 20);
  for (const f of shown) lines.push(`  ${f.file}:${f.line}  ${f.category.padEnd(8)} ${f.redacted}  fp=${f.fingerprint}`);
  const more = r.findings.length - shown.length;
  if (more > 0 || r.findings_truncated) lines.push(`  … more findings: use --json or --out`);
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
    .option('--jobs <n>', 'worker threads (default: cores, at most 4)')
    .option('--max-findings <n>', 'cap on findings listed (counts are never capped)', '1000');
  addLogPolicyOptions(cmd)
    .option('--since <duration>', 'how far back --loki reads, e.g. 2h, 30m', '2h')
    .action(async (paths: string[], flags: PiiScanFlags) => {
      // Loaded here, not at start-up: every other command would pay for the scanner's modules.
      const { scanLogs, scanLoki, writeEvidence } = await import('../../pii/index.ts');
      const { publicResult } = await import('../../pii/evidence.ts');
      const maxFindings = positiveInt(flags.maxFindings, '--max-findings', 0);
      const jobs = flags.jobs !== undefined ? positiveInt(flags.jobs, '--jobs') : undefined;
      const source = await logSourceFromFlags(flags, paths);
      const allow = source?.allow;
      const evidenceLines = flags.out ? EVIDENCE_LINES : 0;
      let result: ScanResult;
      if (source?.loki) {
        result = await scanLoki({ url: source.loki.url, query: source.loki.query, since: flags.since, allow, maxFindings, evidenceLines });
      } else {
        const bar = !flags.json && process.stderr.isTTY ? await progressBar() : undefined;
        try {
          result = await scanLogs(paths, { allow, maxFindings, jobs, evidenceLines, onProgress: bar?.update });
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
