// Precision and recall per category on the multi-shape corpus nginx, Envoy JSON,
// ECS, OpenTelemetry, logfmt, stack traces with request bodies, the webhook sender's long JSON
// lines and the short-line log, each with the service's own infrastructure data beside the
// personal data. Labelled from the rules in docs/pii.md; scanned with the runbook's policy.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PII_CATEGORIES } from '../../src/contract/metrics.ts';
import { expectScores, loadLabelled } from './ground-truth.ts';

const SHAPES = fileURLToPath(new URL('./fixtures/shapes.tsv', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'slogate-pii-shapes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('accuracy on the multi-shape corpus (fixtures/shapes.tsv)', () => {
  const truth = loadLabelled(SHAPES);

  it('has positives in every category and realistic clean lines', () => {
    expect(truth.labels.filter((l) => l.size === 0).length).toBeGreaterThanOrEqual(25);
    for (const c of PII_CATEGORIES) expect(truth.labels.filter((l) => l.has(c)).length, c).toBeGreaterThanOrEqual(9);
  });

  it('recall 100% and precision >= 98% per category', () => {
    const r = expectScores(join(dir, 'shapes.log'), truth, 0.98);
    console.log(PII_CATEGORIES.map((c) => `shapes ${c.padEnd(9)} tp ${r.scores[c].tp} fp ${r.scores[c].fp} fn ${r.scores[c].fn}`).join('\n'));
  });
});
