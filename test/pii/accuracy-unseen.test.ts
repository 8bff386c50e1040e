// Precision and recall per category on a second corpus, written independently of the scanner:
// access logs, syslog, Kubernetes/JSON with escaped JSON, stack traces, SQL, URLs, Rails params,
// and the decoys that live next to PII in real logs (UAs, trace ids, CIDRs, netmasks, IBANs, ...).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PII_CATEGORIES } from '../../src/contract/metrics.ts';
import { expectScores, expectScoresLfAndCrlf, loadLabelled } from './ground-truth.ts';

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
    expectScoresLfAndCrlf(dir, 'unseen', truth, 0.98);
  });
});

describe("accuracy on peer detectors' test cases (fixtures/peers.tsv)", () => {
  // Example values from Presidio's, validator.js's and libphonenumber-js's test suites, in log lines.
  const truth = loadLabelled(fileURLToPath(new URL('./fixtures/peers.tsv', import.meta.url)));

  it('finds every valid example and flags none of the invalid ones', () => {
    expectScores(join(dir, 'peers.log'), truth, 1);
  });
});
