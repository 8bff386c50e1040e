// `--out DIR` evidence: one `<category>_<label>.txt` per category (redacted lines with file:line)
// and `summary_<label>.json`. These replace the runbook's `pii/*_grep_T+2h.txt` without raw values.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PII_CATEGORIES } from '../contract/metrics.ts';
import { UserError } from '../contract/errors.ts';
import type { ScanResult } from './types.ts';

/** The `--json` / summary shape: the result without the evidence lines. */
export function publicResult(result: ScanResult): Omit<ScanResult, 'evidence' | 'evidence_truncated'> {
  const { evidence: _e, evidence_truncated: _t, ...rest } = result;
  return rest;
}

/**
 * Writes `<dir>/<category>_<label>.txt` for every category (empty when clean, so "no file" never
 * means "not scanned") and `<dir>/summary_<label>.json`. Returns the paths written.
 * Each text line is `file:line: <redacted line>`; `wc -l` counts lines with PII as the runbook does,
 * up to the evidence cap (`summary.evidence_truncated` says when it was reached).
 */
export async function writeEvidence(dir: string, result: ScanResult, label: string): Promise<string[]> {
  if (!/^[A-Za-z0-9+_.-]+$/.test(label)) throw new UserError(`evidence label '${label}' may only use letters, digits and + _ . -`, 2);
  try {
    await mkdir(dir, { recursive: true });
    const written: string[] = [];
    for (const cat of PII_CATEGORIES) {
      const lines = (result.evidence ?? []).filter((e) => e.categories.includes(cat)).map((e) => `${e.file}:${e.line}: ${e.excerpt}\n`);
      const path = join(dir, `${cat}_${label}.txt`);
      await writeFile(path, lines.join(''));
      written.push(path);
    }
    const summary = { label, ...publicResult(result), ...(result.evidence_truncated ? { evidence_truncated: true } : {}) };
    const path = join(dir, `summary_${label}.json`);
    await writeFile(path, JSON.stringify(summary, null, 2) + '\n');
    written.push(path);
    return written;
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot write evidence to ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 2);
  }
}
