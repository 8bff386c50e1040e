// Generates a JSON-lines webhook log with planted PII and decoys, deterministically (seeded PRNG).
import { closeSync, openSync, writeSync } from 'node:fs';

/** Mulberry32: tiny, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PII = [
  (n: number) => `"recipient":"user${n % 9973}@acme-mail.io"`,
  (n: number) => `"username":"member_${n % 7919}"`,
  (n: number) => `"x_forwarded_for":"81.2.${n % 250}.${(n >> 8) % 250}, 203.0.113.7"`,
  (n: number) => `"client_ip":"2001:db8::${(n % 65535).toString(16)}"`,
  () => `"sms_to":"+1 415 555 2671"`,
  () => `"phone":"4155552671"`,
  () => `"card":"4111 1111 1111 1111"`,
  () => `"pan":"5555555555554444"`,
];
const DECOYS = [
  () => `"asset":"img/logo@2x.png"`,
  (n: number) => `"epoch":${1700000000 + n}`,
  (n: number) => `"count":${4000000000 + n}`,
  () => `"oid":"1.3.6.1.4.1.343"`,
  () => `"version":"1.2.3.4"`,
  () => `"ua":"Mozilla/5.0 Chrome/120.0.0.0 Safari/537.36"`,
  () => `"upstream":"127.0.0.1:9000"`,
  () => `"username_length":12`,
  (n: number) => `"user_id":${n}`,
  (n: number) => `"ts_ns":${1732291200000000000n + BigInt(n)}`,
  () => `"request_id":"550e8400-e29b-41d4-a716-446655440000"`,
  () => `"listen":"0.0.0.0:8080"`,
];
function hex32(rand: () => number): string {
  let s = '';
  for (let i = 0; i < 4; i++) s += ((rand() * 4294967296) >>> 0).toString(16).padStart(8, '0');
  return s;
}

const MSGS = ['webhook delivered', 'webhook failed', 'retry scheduled', 'signature verified', 'queue depth'];

export interface GeneratedLog {
  bytes: number;
  lines: number;
  /** Lines carrying planted PII. */
  piiLines: number;
}

/** Writes about `targetBytes` of log to `path`. About 1% of lines carry PII and 5% carry a decoy. */
export function generateWebhookLog(path: string, targetBytes: number, seed = 42): GeneratedLog {
  const rand = prng(seed);
  const fd = openSync(path, 'w');
  let bytes = 0;
  let lines = 0;
  let piiLines = 0;
  const batch: string[] = [];
  let batchLen = 0;
  const t0 = Date.UTC(2026, 10, 22, 8, 0, 0);
  try {
    while (bytes < targetBytes) {
      const n = lines;
      const r = rand();
      const ts = new Date(t0 + n * 7).toISOString(); // the same clock as bench/pii-shapes.ts
      const status = r < 0.03 ? 503 : 200;
      let extra = '';
      if (r < 0.01) {
        extra = ',' + PII[Math.floor(rand() * PII.length)](n);
        piiLines++;
      } else if (r < 0.06) {
        extra = ',' + DECOYS[Math.floor(rand() * DECOYS.length)](n);
      }
      const line =
        `{"ts":"${ts}","level":"${status === 200 ? 'info' : 'error'}","service":"webhook-sender",` +
        `"msg":"${MSGS[n % MSGS.length]}","webhook_id":"wh_${(n * 2654435761 >>> 0).toString(16)}",` +
        `"tenant_id":"t-${n % 1000}","endpoint":"https://hooks.tenant${n % 1000}.example.com/v2/events",` +
        `"status":${status},"latency_ms":${Math.floor(r * 900) + 20},"attempt":${1 + (n % 3)},` +
        `"trace_id":"${hex32(rand)}"${extra}}\n`;
      batch.push(line);
      batchLen += line.length;
      bytes += line.length;
      lines++;
      if (batchLen >= 4 << 20) {
        writeSync(fd, batch.join(''));
        batch.length = 0;
        batchLen = 0;
      }
    }
    if (batch.length) writeSync(fd, batch.join(''));
  } finally {
    closeSync(fd);
  }
  return { bytes, lines, piiLines };
}
