// Public API of the reports: `slogate report` calls renderReport.
import { loadSources, ReportInputError, type ReportSources } from './load.ts';
import { checkpointView, postmortemView, rollbackView, type ReportContext } from './model.ts';
import { defaultTemplate, loadTemplate, TemplateError, type ReportFormat, type ReportKind } from './render.ts';

export { loadSources, ReportInputError, TemplateError, type ReportSources, type ReportContext, type ReportKind, type ReportFormat };
export { checkpointView, rollbackView, postmortemView } from './model.ts';
export { nextStep, rollbackTo } from './next-step.ts';
export { compileTemplate } from './render.ts';

export const REPORT_KINDS: readonly ReportKind[] = ['checkpoint', 'rollback', 'postmortem'];
/** Formats each kind comes in; the checkpoint report is also one self-contained HTML file. */
export const REPORT_FORMATS: Readonly<Record<ReportKind, readonly ReportFormat[]>> = { checkpoint: ['md', 'html'], rollback: ['md'], postmortem: ['md'] };

export function viewOf(kind: ReportKind, s: ReportSources, ctx: ReportContext): unknown {
  return kind === 'checkpoint' ? checkpointView(s, ctx) : kind === 'rollback' ? rollbackView(s, ctx) : postmortemView(s, ctx);
}

/** Renders one kind in one format, with `templateFile` instead of the built-in template when given. */
export async function renderReport(kind: ReportKind, format: ReportFormat, s: ReportSources, ctx: ReportContext, templateFile?: string): Promise<string> {
  const template = await loadTemplate(templateFile ?? defaultTemplate(kind, format), format);
  return template(viewOf(kind, s, ctx));
}
