// Precision and recall per category on a corpus in vendors' documented log formats (AWS ALB, CloudFront, VPC flow
// logs, CloudTrail, S3, Kubernetes audit, Apache, nginx, HAProxy, Traefik, Caddy, Envoy, Heroku, Cloudflare, Kong,
// Squid, PostgreSQL, MySQL, sshd and syslog, journald, Docker, Windows events and winlogbeat, stack traces, GCP,
// Azure, the OpenTelemetry debug exporter, Fluent Bit, Vector, the Datadog agent, Postfix, Dovecot, Exim), written
// with our own fictitious values and labelled from docs/pii.md before the scanner ran.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PII_CATEGORIES, type PiiCategory } from '../../src/contract/metrics.ts';
import { loadLabelled, scoreSlogate } from './ground-truth.ts';

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
    for (const eol of ['\n', '\r\n']) {
      const corpus = join(dir, eol === '\n' ? 'vendor.log' : 'vendor-crlf.log');
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
      if (eol === '\n') console.log(PII_CATEGORIES.map((c) => `vendor ${c.padEnd(9)} tp ${s[c].tp} fp ${s[c].fp} fn ${s[c].fn}`).join('\n'));
    }
  });
});
