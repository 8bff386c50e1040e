// Precision and recall per category on a corpus in vendors' documented log formats (AWS ALB, CloudFront, VPC flow
// logs, CloudTrail, S3, Kubernetes audit, Apache, nginx, HAProxy, Traefik, Caddy, Envoy, Heroku, Cloudflare, Kong,
// Squid, PostgreSQL, MySQL, sshd and syslog, journald, Docker, Windows events and winlogbeat, stack traces, GCP,
// Azure, the OpenTelemetry debug exporter, Fluent Bit, Vector, the Datadog agent, Postfix, Dovecot, Exim), written
// with our own fictitious values and labelled from docs/pii.md before the scanner ran.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PII_CATEGORIES, type PiiCategory } from '../../src/contract/metrics.ts';
import { expectScoresLfAndCrlf, loadLabelled } from './ground-truth.ts';

const VENDOR = fileURLToPath(new URL('./fixtures/vendor.tsv', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'slogate-pii-vendor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// At least this many labelled lines per category (the corpus has a few more of each).
const MIN_POSITIVES: Record<PiiCategory, number> = { email: 25, username: 15, ip: 55, phone: 6, card: 8 };

describe('accuracy on the vendor-format corpus (fixtures/vendor.tsv)', () => {
  const truth = loadLabelled(VENDOR);

  it('has enough positives and decoys to mean something', () => {
    const decoys = truth.labels.filter((l) => l.size === 0).length;
    expect(truth.labels.length).toBeGreaterThanOrEqual(200);
    expect(decoys).toBeGreaterThanOrEqual(100);
    for (const c of PII_CATEGORIES) expect(truth.labels.filter((l) => l.has(c)).length, c).toBeGreaterThanOrEqual(MIN_POSITIVES[c]);
  });

  it('recall 100% and precision >= 98% per category, with the CRLF variant scoring the same', () => {
    expectScoresLfAndCrlf(dir, 'vendor', truth, 0.98);
  });
});
