// `slogate dashboards push`: import the generated dashboards into Grafana.
import type { Command } from 'commander';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lintDashboardFolder } from '../../dashboards/source.ts';
import { pushDashboards, type LocalDashboard } from '../../dashboards/push.ts';
import { DASHBOARDS_DOC, renderDashboardsDoc } from '../../dashboards/docs.ts';
import { EXIT, UserError } from '../errors.ts';
import { loadRunbook } from '../runbook.ts';

async function readDashboards(dir: string): Promise<LocalDashboard[]> {
  const dashDir = join(dir, 'grafana', 'dashboards');
  let files: string[];
  try {
    files = (await readdir(dashDir)).filter((f) => f.endsWith('.json')).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    files = [];
  }
  if (!files.length) throw new UserError(`no dashboards in ${dashDir}; run \`slogate generate\` first`);
  const out: LocalDashboard[] = [];
  for (const f of files) {
    const path = join(dashDir, f);
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(await readFile(path, 'utf8'));
    } catch (e) {
      throw new UserError(`${path}: invalid JSON: ${(e as Error).message.split('\n')[0]}`);
    }
    if (typeof doc.uid !== 'string' || !doc.uid) throw new UserError(`${path}: dashboard has no uid`);
    out.push({ uid: doc.uid, title: String(doc.title ?? doc.uid), dashboard: doc });
  }
  return out;
}

interface PushCliOptions {
  grafana: string;
  folderUid?: string;
  message: string;
  dryRun?: boolean;
  dir: string;
  runbook?: string;
}

export function registerDashboards(program: Command): void {
  const cmd = program.command('dashboards').description('Grafana dashboards generated from dashboards/*.ts');
  cmd
    .command('push')
    .description('import every generated dashboard into Grafana (POST /api/dashboards/db, overwrite); token from GRAFANA_TOKEN')
    .requiredOption('--grafana <url>', 'Grafana root URL, e.g. https://grafana.example.com')
    .option('--folder-uid <uid>', 'folder to import into (default: General)')
    .option('--message <text>', 'version history message', 'pushed by slogate dashboards push')
    .option('--dry-run', 'change nothing; show for each dashboard whether it would be created, updated or left unchanged')
    .option('--dir <dir>', 'generated output directory', 'generated')
    .option('--runbook <path>', 'runbook module whose lint policy applies (default: package.json "slogate.runbook", else the webhook-delivery runbook)')
    .action(async (opts: PushCliOptions) => {
      const token = process.env.GRAFANA_TOKEN ?? '';
      if (!token.trim()) throw new UserError('GRAFANA_TOKEN is not set: export a Grafana service account token with dashboard write access');
      const list = await readDashboards(opts.dir);
      // fail closed: never push a dashboard the lint rejects
      const problems = await lintDashboardFolder(opts.dir, await loadRunbook(opts.runbook));
      if (problems.length) {
        for (const p of problems) process.stderr.write(`slogate: ${p}\n`);
        throw new UserError(`refusing to push: ${problems.length} dashboard lint problem(s) in ${opts.dir}/`, EXIT.found);
      }
      const summary = await pushDashboards(list, {
        grafanaUrl: opts.grafana,
        token,
        folderUid: opts.folderUid,
        message: opts.message,
        dryRun: opts.dryRun,
      });
      for (const r of summary.results) {
        if (r.status === 'failed') process.stderr.write(`slogate: ${r.line}\n`);
        else process.stdout.write(`${r.line}\n`);
      }
      if (summary.fatal) throw new UserError(summary.fatal, EXIT.found);
      const failed = summary.results.filter((r) => r.status === 'failed').length;
      if (opts.dryRun) {
        const n = (s: string) => summary.results.filter((r) => r.status === s).length;
        process.stdout.write(`dry run: would create ${n('create')}, update ${n('update')}, leave ${n('unchanged')} unchanged of ${list.length} dashboards in ${opts.grafana}${opts.folderUid ? ` folder ${opts.folderUid}` : ''}; nothing was changed (only GET requests were made)\n`);
      } else process.stdout.write(`imported ${list.length - failed} of ${list.length} dashboards into ${opts.grafana}\n`);
      if (failed) process.exitCode = EXIT.found;
    });
  cmd
    .command('docs')
    .description(`write ${DASHBOARDS_DOC}: every panel, its query, its thresholds and what red means`)
    .option('--check', 'write nothing; exit 1 when the file is out of date')
    .option('--out <file>', 'output file', DASHBOARDS_DOC)
    .option('--runbook <path>', 'runbook module (default: package.json "slogate.runbook", else the webhook-delivery runbook)')
    .action(async (opts: { check?: boolean; out: string; runbook?: string }) => {
      const text = renderDashboardsDoc(await loadRunbook(opts.runbook));
      if (opts.check) {
        const current = await readFile(opts.out, 'utf8').catch(() => '');
        if (current !== text) {
          process.stderr.write(`slogate: ${opts.out} is out of date; run \`slogate dashboards docs\`\n`);
          process.exitCode = EXIT.found;
        } else process.stdout.write(`${opts.out} is up to date\n`);
        return;
      }
      await writeFile(opts.out, text);
      process.stdout.write(`wrote ${opts.out}\n`);
    });
}
