// The alert runbooks (docs/runbooks/*.md) ask only for what exists: panels the generated
// dashboards have, and breakdowns by labels the metric contract carries. They asked for a
// per-instance view of the gate JSON and a per-cause split the contract does not record.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runbook } from '../../runbooks/webhook-delivery/index.ts';

const DIR = 'docs/runbooks';
const pages = readdirSync(DIR).filter((f) => f.endsWith('.md')).map((f) => ({ f, text: readFileSync(path.join(DIR, f), 'utf8') }));
const titles = new Set(
  readdirSync('generated/grafana/dashboards').flatMap((f) => [...readFileSync(path.join('generated/grafana/dashboards', f), 'utf8').matchAll(/"title": "([^"]+)"/g)].map((m) => m[1])),
);
const metrics = Object.values(runbook.metrics) as { name: string; labels: readonly string[] }[];
const labels = new Set(['job', 'instance', 'track', 'le', ...metrics.flatMap((m) => m.labels)]);

describe('alert runbooks ask for what exists', () => {
  it('no runbook reads a per-instance or per-cause breakdown out of the gate JSON, or splits by an outcome the contract lacks', () => {
    for (const { f, text } of pages) {
      expect(text, f).not.toMatch(/gate[^.]*--json[^.]*which instances/);
      expect(text, f).not.toMatch(/split failures by outcome/i);
    }
  });

  it('every quoted panel exists in the generated dashboards', () => {
    for (const { f, text } of pages) for (const m of text.matchAll(/"([^"]+)" panel/g)) expect(titles.has(m[1]), `${f}: "${m[1]}"`).toBe(true);
  });

  it('every `by (...)` breakdown uses labels of the metric contract', () => {
    for (const { f, text } of pages) {
      for (const m of text.matchAll(/\bby \(([^)]+)\)/g)) for (const l of m[1].split(',').map((x) => x.trim())) expect(labels.has(l), `${f}: by (${m[1]})`).toBe(true);
    }
  });
});
