// Handlebars rendering of the report views. Templates are compiled strict, so a
// template that names a field the view does not have fails with its line instead of
// printing blanks; markdown is not HTML-escaped, HTML is.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';

export type ReportKind = 'checkpoint' | 'rollback' | 'postmortem';
export type ReportFormat = 'md' | 'html';

export const TEMPLATE_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

export const defaultTemplate = (kind: ReportKind, format: ReportFormat) => `${TEMPLATE_DIR}${kind}.${format}.hbs`;

export class TemplateError extends Error {}

function engine() {
  const hb = Handlebars.create();
  // a markdown table cell must stay on one line and keep its pipes
  // the runbook's channel messages, with Slack's shortcodes for its emoji: what one types, and no emoji font needed
  hb.registerHelper('slack', (v: unknown) => slackText(String(v ?? '')));
  hb.registerHelper('cell', (v: unknown) => String(v ?? '').replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' '));
  return hb;
}

function lineOf(err: unknown): { line?: number; message: string } {
  const e = err as { lineNumber?: number; message?: string };
  const msg = String(e?.message ?? err);
  const parse = /Parse error on line (\d+):[\s\S]*\n(Expecting [^\n]*)$/.exec(msg);
  if (parse) {
    const got = /got '([^']+)'/.exec(parse[2])?.[1];
    return { line: Number(parse[1]), message: `parse error${got ? `: unexpected ${got}` : ''}` };
  }
  const tail = / - (\d+):(\d+)$/.exec(msg);
  const first = msg.replace(/ - \d+:\d+$/, '').split('\n')[0];
  // strict mode says `"x" not defined in [object Object]`: name the field, not the object
  const undef = /^"([^"]+)" not defined in .*$/.exec(first);
  return { line: e?.lineNumber ?? (tail ? Number(tail[1]) : undefined), message: undef ? `"${undef[1]}" is not a field of the report view (see src/report/model.ts)` : first };
}

export function compileTemplate(source: string, name: string, format: ReportFormat): (view: unknown) => string {
  const hb = engine();
  let fn: HandlebarsTemplateDelegate;
  try {
    // precompile now: handlebars otherwise defers parse errors to the first render
    hb.parse(source);
    fn = hb.compile(source, { strict: true, noEscape: format === 'md' });
  } catch (err) {
    const { line, message } = lineOf(err);
    throw new TemplateError(`template ${name}${line ? ` line ${line}` : ''}: ${message}`);
  }
  return (view: unknown) => {
    try {
      return fn(view);
    } catch (err) {
      const { line, message } = lineOf(err);
      throw new TemplateError(`template ${name}${line ? ` line ${line}` : ''}: ${message}`);
    }
  };
}

export async function loadTemplate(file: string, format: ReportFormat): Promise<(view: unknown) => string> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TemplateError(`template ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a template file' : (err as Error).message}`);
  }
  return compileTemplate(source, file, format);
}

const SHORTCODES: Record<string, string> = { '✅': ':white_check_mark:', '❌': ':x:', '⚠️': ':warning:', '⚠': ':warning:', '⏸️': ':double_vertical_bar:', '⏸': ':double_vertical_bar:', '❔': ':grey_question:' };

/** Emoji in a message as Slack shortcodes (`✅ T+30m PASS` -> `:white_check_mark: T+30m PASS`). */
export function slackText(text: string): string {
  return text.replace(/✅|❌|⚠️|⚠|⏸️|⏸|❔/gu, (e) => SHORTCODES[e] ?? e);
}
