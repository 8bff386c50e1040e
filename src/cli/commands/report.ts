// `slogate report`: the runbook's checkpoint, rollback and post-mortem reports from the evidence.
import { mkdir, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import { Command, Option } from 'commander';
import { canaryMatchersOf, type CheckpointName, type Runbook } from '../../contract/runbook.ts';
import { selector as renderMatchers } from '../../contract/selectors.ts';
import { loadRunbook } from '../runbook.ts';
import { deliveries } from '../../promql/query.ts';
import { PrometheusClient, authFromEnv } from '../../prometheus/client.ts';
import { loadSources, renderReport, REPORT_FORMATS, REPORT_KINDS, ReportInputError, TemplateError, type ReportContext, type ReportFormat, type ReportKind } from '../../report/index.ts';
import { UserError } from '../errors.ts';
import { instant, selectorFlag } from './gate.ts';

interface ReportFlags {
  kind: ReportKind;
  evidence?: string;
  verdict?: string;
  checkpoint?: CheckpointName;
  output?: string;
  html?: string;
  template?: string;
  operator?: string;
  rollbackTime?: string;
  prometheus?: string;
  selector?: string;
  runbook?: string;
}

function operatorName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** Canary deliveries per second now (rollback step 3: "traffic stops"); null when unknown. No series is unknown too: a wrong selector must not read as "stopped". */
async function trafficNow(rb: Runbook, url: string, selector: string | undefined): Promise<number | null> {
  const sel = selectorFlag(selector ?? renderMatchers(canaryMatchersOf(rb)));
  const client = new PrometheusClient({ url, auth: authFromEnv(), deadlineMs: 20_000 });
  try {
    const r = await client.query(deliveries(rb.metrics, sel, '1m'), Date.now() / 1000);
    return r.length && Number.isFinite(r[0].value) ? r[0].value : null;
  } catch (err) {
    process.stderr.write(`slogate: warning: could not measure the delivery rate: ${(err as Error).message}\n`);
    return null;
  } finally {
    client.close();
  }
}

const templateFormat = (file: string): ReportFormat => (/\.html?(\.hbs)?$/i.test(file) ? 'html' : 'md');

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write the checkpoint (markdown + self-contained HTML), rollback or post-mortem report from the evidence')
    .addOption(new Option('--kind <kind>', 'which report').choices(REPORT_KINDS).default('checkpoint'))
    .option('--evidence <dir>', 'evidence folder (slogate evidence collect / gate --out)')
    .option('--verdict <file>', 'a recorded gate verdict JSON (default: the latest verdict_T+*.json in --evidence)')
    .option('--checkpoint <name>', "which checkpoint of the evidence folder (one of the runbook's)")
    .option('--runbook <path>', 'runbook module (default: package.json "slogate.runbook", else the webhook-delivery runbook)')
    .option('-o, --output <file>', 'markdown report file (default: stdout)')
    .option('--html <file>', 'HTML report file (checkpoint; default: the --output name with .html)')
    .option('--template <file>', 'handlebars template replacing the built-in one (.html.hbs for the HTML report)')
    .option('--operator <name>', 'who ran the checkpoint (default: the current user)')
    .option('--rollback-time <rfc3339>', 'when the rollback started (rollback and post-mortem; default: the verdict time)')
    .option('--prometheus <url>', 'rollback: measure whether canary traffic has stopped')
    .option('--selector <matchers>', "label matchers for the canary's series (default: the runbook's job on its canary track)")
    .action(async (flags: ReportFlags) => {
      const rb = await loadRunbook(flags.runbook);
      if (!flags.evidence && !flags.verdict) throw new UserError('give --evidence DIR (or --verdict FILE)');
      const formats = REPORT_FORMATS[flags.kind];
      if (flags.template && !formats.includes(templateFormat(flags.template))) {
        throw new UserError(`--template ${flags.template}: the ${flags.kind} report has no ${templateFormat(flags.template)} form`);
      }
      if (flags.html && !formats.includes('html')) throw new UserError(`--html: the ${flags.kind} report is markdown only`);
      let sources;
      try {
        sources = await loadSources({ runbook: rb, evidenceDir: flags.evidence, verdictFile: flags.verdict, checkpoint: flags.checkpoint });
      } catch (err) {
        if (err instanceof ReportInputError) throw new UserError(err.message);
        throw err;
      }
      const linkFrom = flags.output ? path.dirname(path.resolve(flags.output)) : process.cwd();
      const ctx: ReportContext = {
        runbook: rb,
        operator: flags.operator ?? operatorName(),
        generatedAt: new Date(),
        rollbackTime: flags.rollbackTime ? instant('--rollback-time', flags.rollbackTime) : undefined,
        trafficNow: flags.kind === 'rollback' && flags.prometheus ? await trafficNow(rb, flags.prometheus, flags.selector) : undefined,
        evidenceLink: flags.evidence ? path.relative(linkFrom, path.resolve(flags.evidence)).split(path.sep).join('/') || '.' : null,
      };
      const htmlFile = formats.includes('html') ? (flags.html ?? (flags.output ? flags.output.replace(/\.md$/i, '') + '.html' : undefined)) : undefined;
      const render = async (format: ReportFormat) => {
        try {
          return await renderReport(flags.kind, format, sources, ctx, flags.template && templateFormat(flags.template) === format ? flags.template : undefined);
        } catch (err) {
          if (err instanceof TemplateError) throw new UserError(err.message);
          throw err;
        }
      };
      const md = await render('md');
      const html = htmlFile ? await render('html') : undefined;
      const write = async (file: string, text: string) => {
        await mkdir(path.dirname(path.resolve(file)), { recursive: true });
        await writeFile(file, text);
        process.stderr.write(`slogate: wrote ${file}\n`);
      };
      if (flags.output) await write(flags.output, md);
      else process.stdout.write(md);
      if (htmlFile && html !== undefined) await write(htmlFile, html);
    });
}
