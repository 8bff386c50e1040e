// `npm run bench:pii [-- --size 1GiB] [--jobs N] [--keep]`
// Generates a JSON-lines webhook log, then times `slogate pii-scan` against the runbook's method
// (five sequential `grep -E` passes, literal patterns) and ripgrep (five patterns, one pass).
// Prints MB/s, peak RSS and the ratios. Wall time and RSS come from GNU time when present.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateWebhookLog } from './pii-log.ts';
import { RUNBOOK_PATTERNS } from './pii-patterns.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)?$/i.exec(s);
  if (!m) throw new Error(`bad --size '${s}' (e.g. 1GiB, 200MB)`);
  const unit = (m[2] ?? 'B').toLowerCase();
  const mult: Record<string, number> = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1 << 20, gb: 1e9, gib: 1 << 30 };
  return Math.round(Number(m[1]) * mult[unit]);
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

interface Run {
  seconds: number;
  rssMB: number | undefined;
  status: number | null;
}

const haveTime = existsSync('/usr/bin/time');

/** Runs a command with stdout to a file (as the runbook does), returning wall seconds and peak RSS. */
function timed(cmd: string, args: string[], outFile: string): Run {
  const timeFile = outFile + '.time';
  const out = openSync(outFile, 'w');
  try {
    const t0 = performance.now();
    const r = haveTime
      ? spawnSync('/usr/bin/time', ['-f', '%e %M', '-o', timeFile, cmd, ...args], { stdio: ['ignore', out, 'inherit'], cwd: root })
      : spawnSync(cmd, args, { stdio: ['ignore', out, 'inherit'], cwd: root });
    const seconds = (performance.now() - t0) / 1000;
    let rssMB: number | undefined;
    if (haveTime && existsSync(timeFile)) {
      const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!;
      rssMB = Number(last.split(' ')[1]) / 1024;
    }
    return { seconds, rssMB, status: r.status };
  } finally {
    closeSync(out);
  }
}

function countLines(file: string): number {
  const r = spawnSync('wc', ['-l', file], { encoding: 'utf8' });
  return Number(r.stdout.trim().split(/\s+/)[0]);
}

const size = parseSize(arg('--size') ?? '1GiB');
const jobs = arg('--jobs');
const keep = process.argv.includes('--keep');
const dir = mkdtempSync(join(tmpdir(), 'slogate-pii-bench-'));
try {
  const log = join(dir, 'webhook.log');
  process.stdout.write(`generating ${(size / (1 << 20)).toFixed(0)} MiB JSON-lines webhook log in ${dir} ... `);
  const g = generateWebhookLog(log, size);
  const bytes = statSync(log).size;
  const mb = bytes / 1e6;
  console.log(`${g.lines} lines, ${g.piiLines} with planted PII, ~5% decoys`);
  spawnSync('sync'); // don't let writeback of the new file compete with the first measurement
  spawnSync('cat', [log], { stdio: ['ignore', 'ignore', 'inherit'] }); // warm the page cache for every tool alike

  const slogateArgs = [join(root, 'bin/slogate'), 'pii-scan', log, '--json', ...(jobs ? ['--jobs', jobs] : [])];
  const slogate = timed(process.execPath, slogateArgs, join(dir, 'slogate.json'));
  if (slogate.status !== 0 && slogate.status !== 1) throw new Error(`slogate pii-scan exited ${slogate.status}`);
  const result = JSON.parse(readFileSync(join(dir, 'slogate.json'), 'utf8'));
  // Single-threaded, for the parallel speed-up figure.
  const single = timed(process.execPath, [join(root, 'bin/slogate'), 'pii-scan', log, '--json', '--jobs', '1'], join(dir, 'slogate1.json'));

  let grepSeconds = 0;
  let grepRss = 0;
  let grepLines = 0;
  for (const p of RUNBOOK_PATTERNS) {
    const out = join(dir, `grep_${p.category}.txt`);
    const r = timed('grep', ['-E', p.literal, log], out);
    grepSeconds += r.seconds;
    grepRss = Math.max(grepRss, r.rssMB ?? 0);
    grepLines += countLines(out);
  }

  const rgArgs = ['--no-config', '--no-filename', ...RUNBOOK_PATTERNS.flatMap((p) => ['-e', p.intended]), log];
  const rg = timed('rg', rgArgs, join(dir, 'rg.txt'));
  const rgLines = countLines(join(dir, 'rg.txt'));

  const fmt = (name: string, s: number, rss: number | undefined, flagged: string) =>
    `${name.padEnd(34)} ${s.toFixed(2).padStart(7)} s ${(mb / s).toFixed(0).padStart(6)} MB/s ${rss === undefined ? '    n/a' : rss.toFixed(0).padStart(6) + ' MB'}   ${flagged}`;
  console.log(`\nfile: ${mb.toFixed(0)} MB, ${g.lines} lines; planted PII lines: ${g.piiLines}`);
  console.log(`${'method'.padEnd(34)} ${'wall'.padStart(9)} ${'throughput'.padStart(11)} ${'peak RSS'.padStart(9)}   lines flagged`);
  const exact = result.pii_leaks === g.piiLines ? 'exactly the planted lines' : `planted: ${g.piiLines}`;
  console.log(fmt(`slogate pii-scan (jobs ${jobs ?? 'default'})`, slogate.seconds, slogate.rssMB, `${result.pii_leaks} (${exact})`));
  console.log(fmt('slogate pii-scan (jobs 1)', single.seconds, single.rssMB, ''));
  console.log(fmt('runbook: 5x grep -E (literal)', grepSeconds, grepRss, `${grepLines} (sum of 5 passes)`));
  console.log(fmt('rg, 5 patterns (as intended)', rg.seconds, rg.rssMB, `${rgLines}`));
  console.log(`\nslogate vs five-grep: ${(grepSeconds / slogate.seconds).toFixed(2)}x faster (target > 1x)`);
  console.log(`slogate vs rg:        ${(slogate.seconds / rg.seconds).toFixed(2)}x rg's time (target <= 2x)`);
  if (slogate.rssMB !== undefined) console.log(`slogate peak RSS:     ${slogate.rssMB.toFixed(0)} MB (target < 200 MB)`);
  if (!haveTime) console.log('(install GNU time for peak RSS figures)');
} finally {
  if (keep) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
