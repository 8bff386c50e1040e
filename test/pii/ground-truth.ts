// Loads the labelled fixture corpus and scores line-level predictions against it.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PII_CATEGORIES, type PiiCategory } from '../../src/contract/metrics.ts';

export const FIXTURE = fileURLToPath(new URL('./fixtures/labelled.tsv', import.meta.url));

export interface Labelled {
  /** The log text, one line per entry; line i+1 of `text` is `labels[i]`. */
  text: string;
  labels: Set<PiiCategory>[];
}

export function loadLabelled(path = FIXTURE): Labelled {
  const labels: Set<PiiCategory>[] = [];
  const lines: string[] = [];
  for (const row of readFileSync(path, 'utf8').split('\n')) {
    if (row === '' || row.startsWith('#')) continue;
    const tab = row.indexOf('\t');
    if (tab < 0) throw new Error(`fixture row without a tab: ${row}`);
    const l = row.slice(0, tab);
    const set = new Set<PiiCategory>();
    if (l !== '-') for (const c of l.split(',')) {
      if (!(PII_CATEGORIES as readonly string[]).includes(c)) throw new Error(`unknown label ${c}`);
      set.add(c as PiiCategory);
    }
    labels.push(set);
    lines.push(row.slice(tab + 1));
  }
  return { text: lines.join('\n') + '\n', labels };
}

export interface Score {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  /** 1-based lines wrongly flagged / missed, for failure messages. */
  fpLines: number[];
  fnLines: number[];
}

/** `predicted` maps category -> set of 1-based line numbers flagged. */
export function score(truth: Labelled, predicted: Record<PiiCategory, Set<number>>): Record<PiiCategory, Score> {
  const out = {} as Record<PiiCategory, Score>;
  for (const c of PII_CATEGORIES) {
    const s: Score = { tp: 0, fp: 0, fn: 0, precision: 1, recall: 1, fpLines: [], fnLines: [] };
    truth.labels.forEach((set, i) => {
      const line = i + 1;
      const p = predicted[c].has(line);
      const t = set.has(c);
      if (p && t) s.tp++;
      else if (p) {
        s.fp++;
        s.fpLines.push(line);
      } else if (t) {
        s.fn++;
        s.fnLines.push(line);
      }
    });
    s.precision = s.tp + s.fp === 0 ? 1 : s.tp / (s.tp + s.fp);
    s.recall = s.tp + s.fn === 0 ? 1 : s.tp / (s.tp + s.fn);
    out[c] = s;
  }
  return out;
}

export function emptyPrediction(): Record<PiiCategory, Set<number>> {
  return Object.fromEntries(PII_CATEGORIES.map((c) => [c, new Set<number>()])) as Record<PiiCategory, Set<number>>;
}

/** Runs `slogate pii-scan --json` on a corpus file and scores its findings against the labels. */
export function scoreSlogate(corpus: string, truth: Labelled): { status: number | null; stderr: string; lines: number; scores: Record<PiiCategory, Score>; explain: (c: PiiCategory) => string } {
  const bin = fileURLToPath(new URL('../../bin/slogate', import.meta.url));
  const r = spawnSync(bin, ['pii-scan', corpus, '--json', '--max-findings', '100000'], { encoding: 'utf8' });
  const json = JSON.parse(r.stdout || '{"findings":[],"lines":0}') as { findings: { line: number; category: PiiCategory }[]; lines: number };
  const pred = emptyPrediction();
  for (const f of json.findings) pred[f.category].add(f.line);
  const scores = score(truth, pred);
  const text = truth.text.split('\n');
  const explain = (c: PiiCategory) =>
    `${c}: missed ${scores[c].fnLines.map((l) => text[l - 1]).join(' | ')}; false ${scores[c].fpLines.map((l) => text[l - 1]).join(' | ')}`;
  return { status: r.status, stderr: r.stderr, lines: json.lines, scores, explain };
}

/**
 * Writes the labelled lines to `corpus`, scans them through the CLI and asserts every line was read,
 * recall 1 and at least `precision` in every category. Returns the scores.
 */
export function expectScores(corpus: string, truth: Labelled, precision: number): ReturnType<typeof scoreSlogate> {
  writeFileSync(corpus, truth.text);
  const r = scoreSlogate(corpus, truth);
  expect(r.status, r.stderr).toBe(1);
  expect(r.lines).toBe(truth.labels.length);
  for (const c of PII_CATEGORIES) {
    expect(r.scores[c].recall, r.explain(c)).toBe(1);
    expect(r.scores[c].precision, r.explain(c)).toBeGreaterThanOrEqual(precision);
  }
  return r;
}

/**
 * expectScores on the corpus with LF line ends and again with CRLF (Windows writers), which must
 * score the same; prints the LF counts under `name`.
 */
export function expectScoresLfAndCrlf(dir: string, name: string, truth: Labelled, precision: number): void {
  for (const eol of ['\n', '\r\n']) {
    const corpus = join(dir, eol === '\n' ? `${name}.log` : `${name}-crlf.log`);
    writeFileSync(corpus, truth.text.split('\n').join(eol));
    const r = scoreSlogate(corpus, truth);
    expect(r.status, r.stderr).toBe(1);
    expect(r.lines).toBe(truth.labels.length);
    const s = r.scores;
    for (const c of PII_CATEGORIES) {
      const detail = `${r.explain(c)}${eol === '\n' ? '' : ' (CRLF)'}`;
      expect(s[c].recall, detail).toBe(1);
      expect(s[c].precision, detail).toBeGreaterThanOrEqual(precision);
    }
    if (eol === '\n') console.log(PII_CATEGORIES.map((c) => `${name} ${c.padEnd(9)} tp ${s[c].tp} fp ${s[c].fp} fn ${s[c].fn}`).join('\n'));
  }
}
