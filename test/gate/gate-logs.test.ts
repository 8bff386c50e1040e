// The gate's log evidence through the CLI against a real Prometheus: logs must prove they
// cover the checkpoint window, and a leak found is never thrown away by a read error.
// Each case names the old (wrong) answer and asserts the new one.
import { readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slogate } from '../harness/gate-suite.ts';
import { gateArgs, iso, piiArgs, scenario } from '../harness/gate-scenarios.ts';
import { scenarioSamples } from '../harness/history.ts';
import { startPrometheus, type TsdbServer } from '../harness/tsdb-servers.ts';

const healthy = scenario('healthy-30m');
const day = scenario('healthy-24h-noise-alerts');
let server: TsdbServer;
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'slogate-gate-logs-'));
  // the generated rules run, as in production, so the alert check is evidence and only the logs are judged here
  const prom = join(import.meta.dirname, '../../generated/prometheus');
  const rules = { ruleFiles: readdirSync(prom).filter((f) => f.endsWith('_alerts.yml')).map((f) => join(prom, f)), evaluationInterval: '5s' };
  server = await startPrometheus([...scenarioSamples(healthy.history), ...scenarioSamples(day.history)], rules);
});
afterAll(async () => {
  await server?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** The scenario's gate arguments without its own PII input (`--skip pii`, or a clean log at a final checkpoint): each test gives its logs. */
function args(s: typeof healthy, ...extra: string[]): string[] {
  const a = gateArgs(s, server.url);
  const own = piiArgs(s);
  const at = a.findIndex((x, i) => own.every((y, j) => a[i + j] === y));
  return [...a.slice(0, at), ...a.slice(at + own.length), ...extra];
}
const windowOf = (s: typeof healthy) => ({ start: s.history.t0, end: s.history.t0 + s.atMinute * 60 });

/** One line every `every` seconds from `from` to `to`, written by `line(t)`. */
function logLines(from: number, to: number, every: number, line: (t: number, i: number) => string): string {
  const out: string[] = [];
  for (let t = from, i = 0; t <= to; t += every, i++) out.push(line(t, i));
  return out.join('\n') + '\n';
}
const leakLine = (t: number) => JSON.stringify({ ts: new Date(t * 1000).toISOString(), level: 'error', msg: 'delivery failed', to: 'jane.doe@acme-mail.io' });
const jsonLine = (t: number, i: number) => JSON.stringify({ ts: new Date(t * 1000).toISOString(), level: 'info', msg: 'webhook delivered', delivery_id: `wh_${i}`, status: 200 });

async function file(name: string, text: string | Buffer): Promise<string> {
  const p = join(tmp, name);
  await writeFile(p, text);
  return p;
}

async function gate(argv: string[]) {
  const r = await slogate(argv);
  const json = r.stdout ? JSON.parse(r.stdout) : null;
  return { ...r, json, pii: json?.checks.find((c: { name: string }) => c.name === 'pii_leaks') };
}

describe('logs that prove nothing', () => {
  it('an empty log was `continue`, exit 0; now inconclusive (exit 3): no lines read', async () => {
    const r = await gate(args(healthy, '--logs', await file('empty.log', '')));
    expect(r.code).toBe(3);
    expect(r.json.verdict).toBe('inconclusive');
    expect(r.pii.status).toBe('no_data');
    expect(r.pii.detail).toMatch(/no log lines were read/);
  });

  it('at T+24h, a log whose every line is dated after the window was `promote`; now inconclusive naming the gap', async () => {
    const w = windowOf(day);
    const late = await file('late.log', logLines(w.end + 60, w.end + 3600, 30, jsonLine));
    const r = await gate(args(day, '--logs', late));
    expect(r.code).toBe(3);
    expect(r.json.verdict).toBe('inconclusive');
    expect(r.pii.detail).toContain(`do not cover the window ${iso(w.start)} to ${iso(w.end)}: no line is dated inside it`);
    expect(r.pii.detail).toContain(`the logs run from ${iso(w.end + 60)} to ${iso(w.end + 3600)}`);
    // first and last timestamp per file in the verdict JSON
    expect(r.json.logs.per_file).toEqual([{ file: late, lines: 119, first_ts: iso(w.end + 60), last_ts: iso(w.end + 3600), lines_in_window: 0 }]);

    // the control: the same day with lines across the window promotes
    const covering = await file('day.log', logLines(w.start, w.end, 60, jsonLine));
    const ok = await gate(args(day, '--logs', covering));
    expect(ok.json.verdict, ok.json.reasons.join('\n')).toBe('promote');
    expect(ok.json.logs.coverage).toMatchObject({ covered: true, lines_in_window: 24 * 60 + 1, gaps: [] });
  });

  it('lines outside the window do not count: yesterday plus the last 5 minutes was `continue`; now the gap from the window start is named', async () => {
    const w = windowOf(healthy);
    const text = logLines(w.start - 86_400, w.start - 3600, 60, jsonLine) + logLines(w.end - 300, w.end, 10, jsonLine);
    const r = await gate(args(healthy, '--logs', await file('partial.log', text)));
    expect(r.code).toBe(3);
    expect(r.pii.detail).toMatch(new RegExp(`no line from ${iso(w.start)} to ${iso(w.end - 300)} \\(25m; at most 5m allowed\\)`));
    expect(r.json.logs.coverage).toMatchObject({ lines_before_window: 1381, lines_in_window: 31, covered: false });
  });

  it('a gap in the middle of the window is named too', async () => {
    const w = windowOf(healthy);
    const text = logLines(w.start, w.start + 600, 15, jsonLine) + logLines(w.start + 1500, w.end, 15, jsonLine);
    const r = await gate(args(healthy, '--logs', await file('middle.log', text)));
    expect(r.code).toBe(3);
    expect(r.pii.detail).toMatch(/no line from \S+ to \S+ \((1[45]m); at most 5m allowed\)/);
  });

  it('a log without any timestamp proves no window: inconclusive (was `continue`)', async () => {
    const r = await gate(args(healthy, '--logs', await file('undated.log', 'delivered webhook id=wh_1 status=200\n'.repeat(100))));
    expect(r.code).toBe(3);
    expect(r.pii.detail).toMatch(/no line has a recognised timestamp/);
  });

  it.each([
    ['nginx', (t: number) => `10.1.2.3 - - [${clf(t)}] "POST /hooks/deliver HTTP/1.1" 200 512 "-" "webhook-sender/1.4"`],
    ['envoy', (t: number) => `[${new Date(t * 1000).toISOString()}] "POST /hooks HTTP/1.1" 200 - 512 38 36 35 "-" "webhook-sender/1.4" "9f1c" "receiver:8443" "10.0.0.7:8443"`],
    ['logfmt', (t: number) => `level=info ts=${new Date(t * 1000).toISOString()} caller=sender.go:88 msg="webhook delivered" status=200`],
    ['ECS', (t: number) => JSON.stringify({ '@timestamp': new Date(t * 1000).toISOString(), 'log.level': 'info', message: 'webhook delivered', 'ecs.version': '8.11.0' })],
    ['OpenTelemetry', (t: number) => JSON.stringify({ timeUnixNano: `${t}000000000`, severityText: 'INFO', body: { stringValue: 'webhook delivered' } })],
    ['epoch ms', (t: number) => JSON.stringify({ time: t * 1000, msg: 'webhook delivered' })],
    ['epoch s', (t: number) => `${t} INFO webhook delivered status=200`],
    // year-less forms take their year from the checkpoint window
    ['BSD syslog', (t: number) => `${syslogTime(t)} canary-1 webhook-sender[812]: webhook delivered status=200`],
    ['klog', (t: number) => `I${stamp(t, 'MMDD hh:mm:ss')}.000000       1 sender.go:88] webhook delivered`],
    ["Go's log", (t: number) => `${stamp(t, 'YYYY/MM/DD hh:mm:ss')} webhook delivered status=200`],
    ["Apache's error log", (t: number) => `[${new Date(t * 1000).toUTCString().slice(0, 3)} ${syslogTime(t).replace(/^(\w+) +(\d+)/, (_m, mo, d) => `${mo} ${d.padStart(2, '0')}`)}.000000 ${new Date(t * 1000).getUTCFullYear()}] [core:notice] [pid 35708] webhook delivered`],
  ])('%s lines across the window are evidence: continue', async (name, line) => {
    const w = windowOf(healthy);
    // the access logs' own addresses are our network, allowed as in production
    const allow = await file('allow-internal.yaml', 'ip: [10.0.0.0/8]\n');
    const r = await gate(args(healthy, '--logs', await file(`${name.replace(/\s/g, '-')}.log`, logLines(w.start, w.end, 20, (t) => line(t))), '--allow', allow));
    expect(r.json.verdict, r.json.reasons.join('\n')).toBe('continue');
    expect(r.json.logs.per_file[0]).toMatchObject({ first_ts: iso(w.start), last_ts: iso(w.end) });
  });
});

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');
/** `t` in a layout of YYYY, MM, DD, hh, mm, ss (UTC). */
function stamp(t: number, layout: string): string {
  const d = new Date(t * 1000);
  const parts: Record<string, string> = { YYYY: String(d.getUTCFullYear()), MM: p2(d.getUTCMonth() + 1), DD: p2(d.getUTCDate()), hh: p2(d.getUTCHours()), mm: p2(d.getUTCMinutes()), ss: p2(d.getUTCSeconds()) };
  return layout.replace(/YYYY|MM|DD|hh|mm|ss/g, (k) => parts[k]);
}
/** BSD syslog's year-less `Dec  1 06:47:22`. */
function syslogTime(t: number): string {
  const d = new Date(t * 1000);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${stamp(t, 'hh:mm:ss')}`;
}
function clf(t: number): string {
  const d = new Date(t * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

describe('findings kept on read errors', () => {
  it('--logs leaky.log plus an unreadable file was inconclusive; now rollback, the read error still reported', async () => {
    const w = windowOf(healthy);
    const dir = join(tmp, 'mixed');
    await mkdir(dir);
    await writeFile(join(dir, 'leaky.log'), logLines(w.start, w.end, 30, jsonLine) + leakLine(w.start + 600) + '\n');
    await symlink(join(tmp, 'rotated-away.log'), join(dir, 'unreadable.log'));
    const r = await gate(args(healthy, '--logs', dir));
    expect(r.code).toBe(1);
    expect(r.json.verdict).toBe('rollback');
    expect(r.pii).toMatchObject({ status: 'critical', value: 1 });
    expect(r.pii.detail).toMatch(/unreadable\.log/);
    expect(r.json.logs.errors).toEqual([{ file: join(dir, 'unreadable.log'), message: expect.stringMatching(/cannot read/) }]);
    expect(r.stdout).not.toContain('jane.doe');
  });

  it('a truncated .gz with a leak before the cut was exit 2 with nothing; now rollback', async () => {
    const w = windowOf(healthy);
    const gz = gzipSync(leakLine(w.start + 60) + '\n' + logLines(w.start, w.end, 1, jsonLine));
    const cut = await file('cut.log.gz', gz.subarray(0, Math.floor(gz.length * 0.6)));
    const r = await gate(args(healthy, '--logs', cut));
    expect(r.code).toBe(1);
    expect(r.pii.status).toBe('critical');
    expect(r.pii.detail).toMatch(/cut\.log\.gz: truncated gzip/);
  });

  it('a truncated .gz without PII is no_data naming the error (never continue)', async () => {
    const w = windowOf(healthy);
    const gz = gzipSync(logLines(w.start, w.end, 1, jsonLine));
    const r = await gate(args(healthy, '--logs', await file('cut-clean.log.gz', gz.subarray(0, Math.floor(gz.length * 0.6)))));
    expect(r.code).toBe(3);
    expect(r.pii.status).toBe('no_data');
    expect(r.pii.detail).toMatch(/truncated gzip/);
  });

  it('a --logs path that does not exist was exit 3 in the gate but 2 in pii-scan; now exit 2 in both', async () => {
    const missing = join(tmp, 'nope', '*.log');
    const g = await slogate(args(healthy, '--logs', missing));
    expect(g.code).toBe(2);
    expect(g.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^slogate: no files match/)]);
    expect(g.stdout).toBe('');
    const p = await slogate(['pii-scan', missing]);
    expect(p.code).toBe(2);
  });
});

describe('the same log inputs and policy as pii-scan', () => {
  it('--allow in the gate: an allowlisted address was a rollback (no --allow); now continue', async () => {
    const w = windowOf(healthy);
    const log = await file('internal.log', logLines(w.start, w.end, 30, (t) => JSON.stringify({ ts: new Date(t * 1000).toISOString(), msg: 'relay', client_ip: '81.2.69.160' })));
    const allow = await file('allow.yaml', 'ip: [81.2.69.0/24]\n');
    expect((await gate(args(healthy, '--logs', log))).json.verdict).toBe('rollback');
    const r = await gate(args(healthy, '--logs', log, '--allow', allow));
    expect(r.json.verdict, r.json.reasons.join('\n')).toBe('continue');
    const bad = await slogate(args(healthy, '--logs', log, '--allow', join(tmp, 'no-such.yaml')));
    expect(bad.code).toBe(2);
  });

  describe('--loki', () => {
    let loki: Server;
    let url: string;
    const seen: URL[] = [];
    let lines: [number, string][] = [];
    beforeAll(async () => {
      // Loki's documented query_range shapes: streams for log queries, matrix for metric queries
      loki = createServer((req, res) => {
        const u = new URL(req.url!, 'http://loki');
        seen.push(u);
        const q = u.searchParams.get('query') ?? '';
        const start = Number(u.searchParams.get('start'));
        const end = Number(u.searchParams.get('end'));
        res.setHeader('content-type', 'application/json');
        if (q.startsWith('sum(count_over_time(')) {
          const step = Number((u.searchParams.get('step') ?? '60s').replace('s', ''));
          const values: [number, string][] = [];
          for (let t = start; t <= end; t += step) {
            const n = lines.filter(([ts]) => ts > t - step && ts <= t).length;
            if (n) values.push([t, String(n)]);
          }
          res.end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: values.length ? [{ metric: {}, values }] : [], stats: {} } }));
          return;
        }
        // log query: start/end in nanoseconds; only lines matching the pushed filter would come back
        const inRange = lines.filter(([ts, l]) => ts * 1e9 >= start && ts * 1e9 <= end && /@/.test(l));
        res.end(JSON.stringify({ status: 'success', data: { resultType: 'streams', result: inRange.length ? [{ stream: { app: 'webhook-sender' }, values: inRange.map(([ts, l]) => [`${ts}000000000`, l]) }] : [], stats: {} } }));
      });
      await new Promise<void>((r) => loki.listen(0, '127.0.0.1', () => r()));
      url = `http://127.0.0.1:${(loki.address() as { port: number }).port}`;
    });
    afterAll(() => new Promise<void>((r) => loki.close(() => r())));

    it('reads the window from Loki: clean and covering continues, a leak rolls back, a Loki with no lines in the window is inconclusive', async () => {
      const w = windowOf(healthy);
      lines = [];
      for (let t = w.start; t <= w.end; t += 30) lines.push([t, jsonLine(t, t)]);
      const base = args(healthy, '--loki', url, '--query', '{app="webhook-sender"}');
      const clean = await gate(base);
      expect(clean.json.verdict, clean.json.reasons.join('\n')).toBe('continue');
      expect(seen.some((u) => u.searchParams.get('query')?.startsWith('{app="webhook-sender"} |~'))).toBe(true);

      lines.push([w.start + 900, leakLine(w.start + 900)]);
      lines.sort((a, b) => a[0] - b[0]);
      const leak = await gate(base);
      expect(leak.json.verdict).toBe('rollback');
      expect(leak.stdout).not.toContain('jane.doe');

      lines = [];
      const none = await gate(base);
      expect(none.code).toBe(3);
      expect(none.pii.detail).toMatch(/no log lines were read|do not cover the window/);

      const both = await slogate([...base, '--logs', join(tmp, 'empty.log')]);
      expect(both.code).toBe(2);
      expect((await slogate(args(healthy, '--loki', url))).stderr).toMatch(/--loki needs --query/);
    });
  });
});
