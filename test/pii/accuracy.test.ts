// Precision and recall per category on the labelled fixtures, for slogate and for the runbook's
// five patterns (grep -E as written, and ripgrep running them as intended).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PII_CATEGORIES, type PiiCategory } from '../../src/contract/metrics.ts';
import { RUNBOOK_PATTERNS } from '../../bench/pii-patterns.ts';
import { emptyPrediction, loadLabelled, score, scoreSlogate, type Score } from './ground-truth.ts';

const truth = loadLabelled();
let dir: string;
let corpus: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'slogate-pii-acc-'));
  corpus = join(dir, 'corpus.log');
  writeFileSync(corpus, truth.text);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function matchedLines(cmd: string, args: string[]): Set<number> {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) return new Set(); // a pattern the engine rejects finds nothing
  return new Set(r.stdout.split('\n').filter(Boolean).map((l) => Number(l.slice(0, l.indexOf(':')))));
}

function table(name: string, s: Record<PiiCategory, Score>): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return PII_CATEGORIES.map((c) => `${name.padEnd(26)} ${c.padEnd(9)} precision ${pct(s[c].precision).padStart(6)}  recall ${pct(s[c].recall).padStart(6)}  (tp ${s[c].tp}, fp ${s[c].fp}, fn ${s[c].fn})`).join('\n');
}

function f1(s: Score): number {
  return s.precision + s.recall === 0 ? 0 : (2 * s.precision * s.recall) / (s.precision + s.recall);
}

describe('accuracy on labelled fixtures', () => {
  let ours: Record<PiiCategory, Score>;

  it('slogate finds every labelled leak (recall 100%) with precision >= 98% per category', () => {
    const r = scoreSlogate(corpus, truth);
    expect(r.status, r.stderr).toBe(1);
    expect(r.lines).toBe(truth.labels.length);
    ours = r.scores;
    for (const c of PII_CATEGORIES) {
      const s = ours[c];
      const detail = r.explain(c);
      expect(s.recall, detail).toBe(1);
      expect(s.precision, detail).toBeGreaterThanOrEqual(0.98);
      expect(s.tp, `${c} needs positives in the fixtures`).toBeGreaterThanOrEqual(10);
    }
    console.log(table('slogate pii-scan', ours));
  });

  it('does at least as well as the runbook patterns, run literally or as intended', () => {
    expect(ours).toBeDefined();
    const grep = emptyPrediction();
    const rg = emptyPrediction();
    for (const p of RUNBOOK_PATTERNS) {
      grep[p.category] = matchedLines('grep', ['-E', '-n', p.literal, corpus]);
      rg[p.category] = matchedLines('rg', ['--no-config', '-n', '-e', p.intended, corpus]);
    }
    const g = score(truth, grep);
    const r = score(truth, rg);
    console.log(table('runbook, grep -E (literal)', g));
    console.log(table('runbook, rg (as intended)', r));
    for (const c of PII_CATEGORIES) {
      expect(f1(ours[c])).toBeGreaterThanOrEqual(f1(g[c]));
      expect(f1(ours[c])).toBeGreaterThanOrEqual(f1(r[c]));
    }
    // The literal runbook misses whole categories: grep -E has no \d and no (?:...).
    expect(g.ip.recall + g.card.recall).toBeLessThan(1);
  });

  it('the fixture corpus is well formed', () => {
    const text = execFileSync('wc', ['-l', corpus], { encoding: 'utf8' });
    expect(Number(text.trim().split(/\s+/)[0])).toBe(truth.labels.length);
  });
});
