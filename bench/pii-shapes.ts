// Realistic log shapes for the PII benchmark, generated deterministically (seeded PRNG).
// Each shape logs what real services log around personal data: private upstream addresses,
// role mailboxes, service accounts, user agents with `+https`, UUIDs, trace ids, epoch
// milliseconds, and about one line in 500 carries a planted leak.
import { closeSync, openSync, writeSync } from 'node:fs';
import { generateWebhookLog, prng } from './pii-log.ts';

export type Rand = () => number;

export { prng };

const hex = (r: Rand, n: number) => {
  let s = '';
  while (s.length < n) s += ((r() * 4294967296) >>> 0).toString(16).padStart(8, '0');
  return s.slice(0, n);
};
const uuid = (r: Rand) => {
  const h = hex(r, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const privIp = (r: Rand) => pick(r, [`10.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 1, 254)}`, `172.${int(r, 16, 31)}.${int(r, 0, 255)}.${int(r, 1, 254)}`, `192.168.${int(r, 0, 255)}.${int(r, 1, 254)}`, `100.${int(r, 64, 127)}.${int(r, 0, 255)}.${int(r, 1, 254)}`]);
const UAS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.109 Safari/537.36',
  'slogate-webhooks/2.4.1 (+https://hooks.slogate.dev/docs/bot)',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'okhttp/4.12.0',
  'python-requests/2.31.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
];
const PATHS = ['/v2/events', '/api/v1/orders/8472919', '/webhooks/stripe', '/healthz', '/api/v1/users/me', '/static/app.9f8e7d6c.js'];
const SERVICE_ACCOUNTS = ['svc-webhook-sender', 'system:serviceaccount:delivery:webhook-sender', 'deployer', 'svc_reporting'];
const ROLE = ['no-reply@hooks.slogate.dev', 'noreply@slogate.dev', 'support@acme.io', 'postmaster@tenant7.example.com'];

/** Planted personal data, one value per category, fictitious. */
const LEAKS = [
  { field: 'customer_email', value: (n: number) => `maria.gonzalez${n % 97}@acme-mail.io` },
  { field: 'client_ip', value: (n: number) => `81.2.${n % 250}.${(n >> 8) % 250}` },
  { field: 'username', value: (n: number) => `jsmith_${n % 83}` },
  { field: 'customer_phone', value: () => '+1 201-555-0123' },
  { field: 'payment_card', value: () => '4111 1111 1111 1111' },
];

export interface Shape {
  name: string;
  /** One log line (no newline) for ordinal `n`; `leak` asks for a planted value. */
  line(n: number, r: Rand, leak: boolean): string;
}

// Every shape's line n is written at the same moment, as the sources of a merged log are.
const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
const ts = (n: number) => new Date(T0 + n * 7).toISOString();
const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** nginx's $time_local: `22/Nov/2026:08:00:00 +0000`. */
const clf = (n: number) => {
  const d = new Date(T0 + n * 7);
  const p = (x: number) => String(x).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MON[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
};
const unixNano = (n: number) => String(BigInt(T0 + n * 7) * 1_000_000n);

export const SHAPES: Shape[] = [
  {
    name: 'nginx combined',
    line(n, r, leak) {
      const addr = leak ? LEAKS[1].value(n) : privIp(r);
      const user = leak && n % 2 ? 'jsmith' : '-';
      const t = clf(n);
      return `${addr} - ${user} [${t}] "GET ${pick(r, PATHS)}?page=${int(r, 1, 40)} HTTP/1.1" ${pick(r, [200, 200, 200, 304, 404, 502])} ${int(r, 120, 90000)} "https://app.slogate.dev/dashboard" "${pick(r, UAS)}" "${privIp(r)}" rt=0.${int(r, 1, 999)} uct="0.00${int(r, 1, 9)}" upstream_addr=${privIp(r)}:8443`;
    },
  },
  {
    name: 'Envoy JSON access log',
    line(n, r, leak) {
      const o: Record<string, unknown> = {
        start_time: ts(n), method: pick(r, ['GET', 'POST']), path: pick(r, PATHS), protocol: 'HTTP/2', response_code: pick(r, [200, 200, 201, 503]),
        response_flags: '-', bytes_received: int(r, 0, 4000), bytes_sent: int(r, 100, 60000), duration: int(r, 1, 900),
        upstream_service_time: String(int(r, 1, 800)), x_forwarded_for: leak ? LEAKS[1].value(n) : privIp(r), user_agent: pick(r, UAS),
        request_id: uuid(r), authority: 'api.slogate.dev', upstream_host: `${privIp(r)}:8080`, upstream_cluster: 'webhook-sender',
        upstream_local_address: `${privIp(r)}:${int(r, 30000, 60000)}`, downstream_local_address: `${privIp(r)}:443`,
        downstream_remote_address: `${privIp(r)}:${int(r, 30000, 60000)}`, requested_server_name: 'api.slogate.dev',
      };
      return JSON.stringify(o);
    },
  },
  {
    name: 'ECS JSON',
    line(n, r, leak) {
      const o = {
        '@timestamp': ts(n), 'log.level': 'info', message: 'request completed', 'ecs.version': '8.11.0',
        service: { name: 'webhook-sender', version: '2.4.1' }, host: { name: `node-${n % 12}`, ip: [privIp(r)] },
        client: { ip: leak ? LEAKS[1].value(n) : privIp(r), port: int(r, 30000, 60000) }, server: { ip: privIp(r), port: 8443 },
        user: { name: leak ? 'jsmith' : pick(r, SERVICE_ACCOUNTS) }, http: { request: { method: 'POST', bytes: int(r, 100, 9000) }, response: { status_code: 200 } },
        url: { path: pick(r, PATHS) }, user_agent: { original: pick(r, UAS) }, trace: { id: hex(r, 32) }, transaction: { id: hex(r, 16) },
        event: { duration: int(r, 1e6, 9e8), created: ts(n) },
      };
      return JSON.stringify(o);
    },
  },
  {
    name: 'OpenTelemetry JSON log',
    line(n, r, leak) {
      const attrs = [
        { key: 'http.request.method', value: { stringValue: 'POST' } },
        { key: 'url.full', value: { stringValue: `https://hooks.tenant${n % 300}.example.com/v2/events` } },
        { key: 'server.address', value: { stringValue: privIp(r) } },
        { key: 'network.peer.address', value: { stringValue: privIp(r) } },
        { key: 'enduser.id', value: { stringValue: leak ? 'jsmith' : pick(r, SERVICE_ACCOUNTS) } },
        { key: 'messaging.destination.name', value: { stringValue: 'deliveries' } },
        { key: 'http.response.status_code', value: { intValue: String(pick(r, [200, 202, 500])) } },
      ];
      const o = {
        timeUnixNano: unixNano(n), observedTimeUnixNano: String(BigInt(unixNano(n)) + 1_000_003n),
        severityNumber: 9, severityText: 'INFO', body: { stringValue: leak ? `delivery for ${LEAKS[0].value(n)} retried` : 'delivery attempt finished' },
        attributes: attrs, traceId: hex(r, 32), spanId: hex(r, 16),
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'webhook-sender' } }, { key: 'k8s.pod.ip', value: { stringValue: privIp(r) } }, { key: 'host.name', value: { stringValue: `node-${n % 12}` } }] },
      };
      return JSON.stringify(o);
    },
  },
  {
    name: 'logfmt',
    line(n, r, leak) {
      const extra = leak ? ` ${LEAKS[n % 5].field}="${LEAKS[n % 5].value(n)}"` : '';
      return `time=${ts(n)} level=info caller=delivery/worker.go:${int(r, 40, 400)} msg="webhook delivered" delivery_id=${uuid(r)} tenant=t-${n % 900} endpoint=https://hooks.tenant${n % 300}.example.com/v2/events status=200 attempt=${int(r, 1, 3)} duration_ms=${int(r, 5, 2000)} upstream=${privIp(r)}:8443 from=${pick(r, ROLE)} account=${pick(r, SERVICE_ACCOUNTS)} trace_id=${hex(r, 32)} ts_ms=${1732262400000 + n}${extra}`;
    },
  },
  {
    name: 'stack traces with request bodies',
    line(n, r, leak) {
      const body = leak ? `{\\"email\\":\\"${LEAKS[0].value(n)}\\",\\"amount\\":42}` : `{\\"event\\":\\"invoice.paid\\",\\"id\\":\\"evt_${hex(r, 24)}\\",\\"amount\\":${int(r, 1, 99999)}}`;
      const frames = [
        `com.slogate.delivery.Sender.post(Sender.java:${int(r, 40, 400)})`,
        `com.slogate.delivery.Worker.run(Worker.java:${int(r, 40, 400)})`,
        'java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1136)',
        'java.base/java.lang.Thread.run(Thread.java:833)',
      ];
      return `{"ts":"${ts(n)}","level":"error","logger":"delivery","msg":"POST failed: 502 from ${privIp(r)}:8443","request_body":"${body}","stack":"java.io.IOException: upstream reset\\n\\tat ${frames.join('\\n\\tat ')}","thread":"worker-${n % 16}","pid":${int(r, 100, 60000)}}`;
    },
  },
  {
    name: 'webhook sender (long JSON)',
    line(n, r, leak) {
      const o: Record<string, unknown> = {
        ts: ts(n), ts_ms: 1732262400000 + n, level: 'info', msg: 'webhook delivered', service: 'webhook-sender', instance: `webhook-sender-00${n % 8}`,
        track: n % 10 ? 'stable' : 'canary', delivery_id: uuid(r), trace_id: hex(r, 32), span_id: hex(r, 16), event_type: pick(r, ['invoice.paid', 'order.created', 'customer.updated']),
        endpoint: `https://hooks.tenant${n % 300}.example.com/v2/events`, status: 200, attempts: int(r, 1, 3), duration_ms: int(r, 5, 2000), payload_bytes: int(r, 200, 90000),
        user_agent: 'slogate-webhooks/2.4.1 (+https://hooks.slogate.dev/docs/bot)', upstream_addr: `${privIp(r)}:8443`, from: pick(r, ROLE),
        signature: `sha256=${hex(r, 64)}`, service_account: pick(r, SERVICE_ACCOUNTS),
      };
      if (leak) {
        const l = LEAKS[n % 5];
        o[l.field] = l.value(n);
      }
      return JSON.stringify(o);
    },
  },
];

/** Writes about `targetBytes` of one shape; returns lines and planted lines. */
export function writeShape(path: string, shape: Shape, targetBytes: number, seed: number): { lines: number; planted: number } {
  const r = prng(seed);
  const fd = openSync(path, 'w');
  let bytes = 0;
  let lines = 0;
  let planted = 0;
  let batch: string[] = [];
  let batchLen = 0;
  try {
    while (bytes < targetBytes) {
      const leak = r() < 0.002;
      if (leak) planted++;
      const l = shape.line(lines, r, leak) + '\n';
      batch.push(l);
      batchLen += l.length;
      bytes += l.length;
      lines++;
      if (batchLen >= 4 << 20) {
        writeSync(fd, batch.join(''));
        batch = [];
        batchLen = 0;
      }
    }
    if (batch.length) writeSync(fd, batch.join(''));
  } finally {
    closeSync(fd);
  }
  return { lines, planted };
}

/** The short-line log of the original benchmark, as one more shape. */
export function writeShortLines(path: string, targetBytes: number): { lines: number; planted: number } {
  const g = generateWebhookLog(path, targetBytes);
  return { lines: g.lines, planted: g.piiLines };
}
