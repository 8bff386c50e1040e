// Precision and recall per category on a second corpus, written independently of the scanner:
// access logs, syslog, Kubernetes/JSON with escaped JSON, stack traces, SQL, URLs, Rails params,
// and the decoys that live next to PII in real logs (UAs, trace ids, CIDRs, netmasks, IBANs, ...).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PII_CATEGORIES } from '../../src/contract/metrics.ts';
import { expectScores, loadLabelled, scoreSlogate } from './ground-truth.ts';

const UNSEEN = fileURLToPath(new URL('./fixtures/unseen.tsv', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'slogate-pii-unseen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('accuracy on the unseen-log corpus (fixtures/unseen.tsv)', () => {
  const truth = loadLabelled(UNSEEN);

  it('has enough positives and decoys to mean something', () => {
    const decoys = truth.labels.filter((l) => l.size === 0).length;
    expect(truth.labels.length).toBeGreaterThanOrEqual(150);
    expect(decoys).toBeGreaterThanOrEqual(60);
    for (const c of PII_CATEGORIES) expect(truth.labels.filter((l) => l.has(c)).length, c).toBeGreaterThanOrEqual(15);
  });

  it('recall 100% and precision >= 98% per category, with the CRLF variant scoring the same', () => {
    for (const eol of ['\n', '\r\n']) {
      const corpus = join(dir, eol === '\n' ? 'unseen.log' : 'unseen-crlf.log');
      writeFileSync(corpus, truth.text.split('\n').join(eol));
      const r = scoreSlogate(corpus, truth);
      expect(r.status, r.stderr).toBe(1);
      expect(r.lines).toBe(truth.labels.length);
      const s = r.scores;
      for (const c of PII_CATEGORIES) {
        const detail = `${r.explain(c)}${eol === '\n' ? '' : ' (CRLF)'}`;
        expect(s[c].recall, detail).toBe(1);
        expect(s[c].precision, detail).toBeGreaterThanOrEqual(0.98);
      }
      if (eol === '\n') console.log(PII_CATEGORIES.map((c) => `unseen ${c.padEnd(9)} tp ${s[c].tp} fp ${s[c].fp} fn ${s[c].fn}`).join('\n'));
    }
  });
});

describe("accuracy on peer detectors' test cases (fixtures/peers.tsv)", () => {
  // Example values from Presidio's, validator.js's and libphonenumber-js's test suites, in log lines.
  const truth = loadLabelled(fileURLToPath(new URL('./fixtures/peers.tsv', import.meta.url)));

  it('finds every valid example and flags none of the invalid ones', () => {
    expectScores(join(dir, 'peers.log'), truth, 1);
  });
});
