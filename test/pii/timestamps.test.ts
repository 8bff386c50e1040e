// A log line's own time (src/pii/timestamps.ts) and window coverage (src/pii/coverage.ts):
// pure units, over the shapes real services write.
import { describe, expect, it } from 'vitest';
import { lineTime } from '../../src/pii/timestamps.ts';
import { coverageProblem, LogClock, mergeClocks, windowCoverage } from '../../src/pii/coverage.ts';

const T = Date.parse('2026-12-01T06:47:22Z') / 1000;

describe('lineTime', () => {
  it.each([
    ['JSON ts, RFC 3339 with millis', '{"ts":"2026-12-01T06:47:22.123Z","level":"info"}', T + 0.123],
    ['JSON time with an offset', '{"level":"info","time":"2026-12-01T07:47:22+01:00"}', T],
    ['ECS @timestamp', '{"@timestamp":"2026-12-01T06:47:22.000Z","log.level":"info","message":"x"}', T],
    ['timestamp key after the payload', '{"msg":"delivered","timestamp":"2026-12-01T06:47:22Z"}', T],
    ['epoch seconds (number, fraction)', '{"ts":1796107642.5,"msg":"a"}', 1796107642.5],
    ['epoch milliseconds', '{"time":1796107642123}', 1796107642.123],
    ['OpenTelemetry timeUnixNano as a string', '{"timeUnixNano":"1796107642123456789","body":{"stringValue":"x"}}', 1796107642.123456789],
    ['nginx common log format', '10.1.2.3 - - [01/Dec/2026:06:47:22 +0000] "GET / HTTP/1.1" 200 12', T],
    ['nginx with a zone offset', '10.1.2.3 - - [01/Dec/2026:01:47:22 -0500] "GET / HTTP/1.1" 200 12', T],
    ['Envoy bracket', '[2026-12-01T06:47:22.000Z] "POST /hook HTTP/1.1" 200 - 0 12 3 2', T],
    ['logfmt ts=', 'level=info ts=2026-12-01T06:47:22Z caller=main.go:12 msg=hi', T],
    ['logrus time="…"', 'time="2026-12-01T06:47:22Z" level=info msg=x', T],
    ['Python logging, comma millis, no zone (UTC)', '2026-12-01 06:47:22,500 INFO webhook sent', T + 0.5],
    ['epoch at the start of a text line', '1796107642 INFO x', 1796107642],
    ['a level before the time', 'INFO 2026-12-01T06:47:22Z x', T],
    ["Go's log package", '2026/12/01 06:47:22 http: TLS handshake error from 10.0.0.1:5555: EOF', T],
    ["Go's log with microseconds", '2026/12/01 06:47:22.250000 main.go:12: started', T + 0.25],
    ["Apache's error log (ctime with a year)", '[Tue Dec 01 06:47:22.123456 2026] [core:error] [pid 35708:tid 4328] [client 72.15.99.187] x', T + 0.123],
    ["date(1)'s ctime with UTC", 'Tue Dec  1 06:47:22 UTC 2026 backup started', T],
    ["Tomcat's dd-MMM-yyyy", '01-Dec-2026 06:47:22.500 INFO [main] org.apache.catalina.startup.Catalina.start', T + 0.5],
    ['journald JSON export (microseconds)', '{"__CURSOR":"s=1;i=2","__REALTIME_TIMESTAMP":"1796107642250000","SYSLOG_IDENTIFIER":"sshd","MESSAGE":"x"}', 1796107642.25],
    ["Serilog's compact JSON", '{"@t":"2026-12-01T06:47:22.5000000Z","@mt":"Delivered {Id}","Id":7}', T + 0.5],
    ["log4j2's JsonLayout", '{"instant":{},"thread":"main","level":"INFO","loggerName":"com.acme.Sender","message":"x","endOfBatch":false,"timeMillis":1796107642123}', 1796107642.123],
    ["nginx JSON with $time_local", '{"remote_addr":"10.1.2.3","request":"GET / HTTP/1.1","status":200,"body_bytes_sent":612,"time_local":"01/Dec/2026:06:47:22 +0000"}', T],
    ["python-json-logger's asctime", '{"message":"webhook delivered","levelname":"INFO","name":"sender","delivery_id":"wh_123456789","asctime":"2026-12-01 06:47:22,250"}', T + 0.25],
    ["nginx's error log", '2026/12/01 06:47:22 [error] 1234#0: *5 connect() failed (111: Connection refused) while connecting to upstream', T],
    ['Redis', '1:M 01 Dec 2026 06:47:22.250 * Ready to accept connections tcp', T + 0.25],
    ['java.util.logging, morning', 'Dec 01, 2026 6:47:22 AM org.apache.catalina.core.StandardService startInternal', T],
    ['java.util.logging, 12 PM is noon', 'Dec 01, 2026 12:47:22 PM org.acme.Main run', T + 6 * 3600],
    ['java.util.logging, 12 AM is midnight', 'Dec 01, 2026 12:47:22 AM org.acme.Main run', T - 6 * 3600],
  ])('%s', (_name, line, want) => {
    expect(lineTime(line)).toBeCloseTo(want, 3);
  });

  // Forms without a year take it from a reference time (the window's end, else the scan's start).
  const ref = T + 3600;
  it.each([
    ['BSD syslog', 'Dec  1 06:47:22 bastion sshd[812]: Accepted publickey for alice from 10.0.0.5 port 22 ssh2', ref, T],
    ['BSD syslog with a priority', '<38>Dec  1 06:47:22 bastion sshd[812]: x', ref, T],
    ['a two-digit day', 'Nov 30 06:47:22 host cron[1]: x', ref, T - 86400],
    ['klog', 'I1201 06:47:22.500000       1 controller.go:123] Starting controller', ref, T + 0.5],
    ['klog, an error', 'E1201 06:47:22.000000 1 reflector.go:138] failed to list', ref, T],
    ['logcat threadtime', '12-01 06:47:22.811  1702  2395 D WindowManager: x', ref, T + 0.811],
    ["Spark's yy/MM/dd", '26/12/01 06:47:22 INFO executor.CoarseGrainedExecutorBackend: Registered signal handlers', ref, T],
    ['a US MM/dd/yy', '12/01/26 06:47:22 job started', ref, T],
    ['a dd/MM/yy', '01/12/26 06:47:22 job started', ref, T],
    // December's lines read early in January are last year's
    ['December read in January', 'Dec 31 23:59:59 host app: x', Date.parse('2027-01-01T00:10:00Z') / 1000, Date.parse('2026-12-31T23:59:59Z') / 1000],
    // a line a few days after its reference (a window that ended early) stays in its year
    ['a few days after the reference', 'Dec  3 06:47:22 host app: x', ref, T + 2 * 86400],
  ])('year-less: %s', (_name, line, reference, want) => {
    expect(lineTime(line, reference)).toBeCloseTo(want, 3);
    expect(lineTime(line)).toBeNull();
  });

  it.each([
    ['a day the year lacks', 'Feb 29 06:47:22 host app: x'],
    ['a clock with a fourth part', 'Dec  1 06:47:22:12 host app: x'],
    ['an unknown month', 'Dek  1 06:47:22 host app: x'],
    ['a month 00', '00-12 06:47:22.811  1702 D x'],
    ['a date in a message, not at the head', 'host app: retry at Dec  1 06:47:22'],
    ['a two-digit year far from the reference (loghub\'s Spark sample, 2017)', '17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: x'],
  ])('year-less, no time: %s', (_name, line) => {
    expect(lineTime(line, ref)).toBeNull();
  });

  it.each([
    ['a stack trace line', '    at com.acme.Foo(Foo.java:12)'],
    ['an exception header', 'java.lang.RuntimeException: boom'],
    ['an id that looks like epoch ms, under another key', '{"msg":"no time","id":1234567890123}'],
    ['a payload date far into a JSON line is not the line time', `{"msg":"${'x'.repeat(80)}","created_at":"2020-01-01T00:00:00Z"}`],
    ['an impossible date', '{"ts":"2026-13-45T99:00:00Z"}'],
    ['syslog without a year', 'Dec  1 06:47:22 host app[1]: x'],
  ])('no time: %s', (_name, line) => {
    expect(lineTime(line)).toBeNull();
  });
});

const window = { start: T, end: T + 1800 };
const text = (from: number, to: number, every: number) => {
  const out: string[] = [];
  for (let t = from; t <= to; t += every) out.push(JSON.stringify({ ts: new Date(t * 1000).toISOString(), msg: 'ok' }));
  return out.join('\n') + '\n';
};

describe('coverage', () => {
  it('dense ordered lines across the window are covered', () => {
    const c = new LogClock(window);
    c.addText(text(T, T + 1800, 1));
    const cov = windowCoverage(window, c.state(), 300);
    expect(cov).toMatchObject({ covered: true, lines_in_window: 1801, gaps: [] });
  });

  it('lines before and after the window do not count; the gap is named', () => {
    const c = new LogClock(window);
    c.addText(text(T - 3600, T - 60, 10) + text(T + 1500, T + 1800, 10) + text(T + 1860, T + 3600, 10));
    const cov = windowCoverage(window, c.state(), 300);
    expect(cov.covered).toBe(false);
    expect(cov.lines_before_window).toBe(355);
    expect(cov.lines_after_window).toBe(175);
    expect(cov.gaps[0]).toMatchObject({ from: '2026-12-01T06:47:22Z', to: '2026-12-01T07:12:22Z', seconds: 1500 });
    expect(coverageProblem(cov)).toMatch(/no line from 2026-12-01T06:47:22Z to 2026-12-01T07:12:22Z \(25m; at most 5m allowed\)/);
  });

  it('a stack trace takes the time of the line before it; undated lines before any time are counted apart', () => {
    const c = new LogClock(window);
    c.addText('banner without a time\n' + text(T + 10, T + 10, 1) + '    at com.acme.Foo(Foo.java:12)\n    at com.acme.Bar(Bar.java:7)\n');
    expect(c.state()).toMatchObject({ lines: 4, undated: 1, inWindow: 3 });
  });

  it('ranges of one file merge: earliest first, latest last, buckets joined', () => {
    const a = new LogClock(window);
    a.addText(text(T, T + 600, 5));
    const b = new LogClock(window);
    b.addText(text(T + 1200, T + 1800, 5));
    const m = mergeClocks(a.state(), b.state());
    expect(m.inWindow).toBe(121 + 121);
    expect(windowCoverage(window, m, 300).gaps).toHaveLength(1);
    expect(windowCoverage(window, m, 900).covered).toBe(true);
  });

  it('a piece whose first and last lines lie on two sides of a window edge is read line by line', () => {
    const c = new LogClock(window);
    c.addText(text(T + 100, T + 100, 1) + text(T + 101, T + 101, 1) + text(T - 5000, T - 5000, 1));
    expect(c.state()).toMatchObject({ inWindow: 2, before: 1 });
    // the fast path (first and last line within one bucket) never invents coverage: both ends are real lines
    const d = new LogClock(window);
    d.addText(text(T + 100, T + 100, 1) + text(T - 5000, T - 5000, 1) + text(T + 101, T + 101, 1));
    expect(d.state().buckets).toEqual(c.state().buckets);
  });
});
