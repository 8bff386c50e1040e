// scanLoki against Loki's documented query_range response shape, served by nock:
// pagination (forward, inclusive start, dedupe at the boundary), pushed-down filter, 429/5xx retries.
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOKI_LINE_FILTER, parseDuration, scanLoki } from '../../src/pii/loki.ts';
import { NEEDLES } from '../../src/pii/detect.ts';
import { UserError } from '../../src/cli/errors.ts';

const LOKI = 'http://loki.test:3100';
const END = new Date('2026-11-22T12:00:00Z');
const endNs = BigInt(END.getTime()) * 1_000_000n;
const startNs = endNs - 2n * 3600n * 1_000_000_000n;

type Entry = [string, string];
const ns = (offsetS: number) => (startNs + BigInt(offsetS) * 1_000_000_000n).toString();

function body(streams: { labels: Record<string, string>; values: Entry[] }[]) {
  return {
    status: 'success',
    data: {
      resultType: 'streams',
      result: streams.map((s) => ({ stream: s.labels, values: s.values })),
      stats: { summary: { bytesProcessedPerSecond: 1, linesProcessedPerSecond: 1, totalBytesProcessed: 1, totalLinesProcessed: 1, execTime: 0.001 } },
    },
  };
}

const A = { app: 'webhook-sender', pod: 'a' };
const B = { app: 'webhook-sender', pod: 'b' };

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Loki query_range source', () => {
  it('pages forward from now-since with the pushed-down filter, deduping entries at page boundaries', async () => {
    const queries: URLSearchParams[] = [];
    const pages = [
      // page 1 (limit 3): ends at t=20 with one entry
      body([
        { labels: A, values: [[ns(10), '{"to":"jane@acme.io"}'], [ns(20), '{"msg":"ok 1"}']] },
        { labels: B, values: [[ns(15), '{"username":"bob"}']] },
      ]),
      // page 2 starts at t=20 inclusive: Loki returns the t=20 entry again, plus two new ones
      body([
        { labels: A, values: [[ns(20), '{"msg":"ok 1"}'], [ns(30), '{"ip":"81.2.69.160"}']] },
        { labels: B, values: [[ns(40), '{"card":"4111111111111111"}']] },
      ]),
      // page 3: fewer than limit: the end
      body([{ labels: A, values: [[ns(50), '{"phone":"+1 415 555 2671"}']] }]),
    ];
    let i = 0;
    nock(LOKI)
      .get('/loki/api/v1/query_range')
      .query(true)
      .times(3)
      .reply(function (uri) {
        queries.push(new URL(uri, LOKI).searchParams);
        return [200, pages[i++]];
      });
    const r = await scanLoki({ url: LOKI, query: '{app="webhook-sender"}', since: '2h', end: END, pageSize: 3, retryDelayMs: 1 });
    expect(queries).toHaveLength(3);
    expect(queries[0].get('query')).toBe('{app="webhook-sender"} |~ `' + LOKI_LINE_FILTER + '`');
    expect(queries[0].get('direction')).toBe('forward');
    expect(queries[0].get('limit')).toBe('3');
    expect(queries[0].get('start')).toBe(startNs.toString());
    expect(queries[0].get('end')).toBe(endNs.toString());
    expect(queries[1].get('start')).toBe(ns(20));
    expect(queries[2].get('start')).toBe(ns(40));
    expect(r.lines).toBe(6); // the repeated t=20 entry counted once
    expect(r.files).toBe(2);
    expect(r.pii_leaks).toBe(5);
    expect(r.by_category).toEqual({ email: 1, username: 1, ip: 1, phone: 1, card: 1 });
    const email = r.findings.find((f) => f.category === 'email')!;
    expect(email).toMatchObject({ file: 'loki:{app="webhook-sender",pod="a"}', line: 1, redacted: 'j***@a***.io' });
    expect(r.findings.find((f) => f.category === 'ip')).toMatchObject({ line: 3 });
  });

  it('retries 429 (honouring Retry-After) and 5xx, then succeeds', async () => {
    let calls = 0;
    nock(LOKI).get('/loki/api/v1/query_range').query(true).reply(() => (calls++, [429, 'too many outstanding requests', { 'Retry-After': '0' }]));
    nock(LOKI).get('/loki/api/v1/query_range').query(true).reply(() => (calls++, [503, 'unavailable']));
    nock(LOKI).get('/loki/api/v1/query_range').query(true).reply(() => (calls++, [502, 'bad gateway']));
    nock(LOKI)
      .get('/loki/api/v1/query_range')
      .query(true)
      .reply(() => (calls++, [200, body([{ labels: A, values: [[ns(1), 'user jane@acme.io']] }])]));
    const r = await scanLoki({ url: LOKI, query: '{app="x"}', end: END, retryDelayMs: 1 });
    expect(calls).toBe(4);
    expect(r.pii_leaks).toBe(1);
  });

  it('gives up after the attempts with one clear error', async () => {
    nock(LOKI).get('/loki/api/v1/query_range').query(true).times(3).reply(500, 'boom');
    await expect(scanLoki({ url: LOKI, query: '{app="x"}', end: END, attempts: 3, retryDelayMs: 1 })).rejects.toThrow(
      /loki: query_range failed after 3 attempts: HTTP 500: boom/,
    );
  });

  it('does not retry a bad query (400) and reports Loki’s message', async () => {
    nock(LOKI).get('/loki/api/v1/query_range').query(true).once().reply(400, 'parse error at line 1, col 5: syntax error');
    const p = scanLoki({ url: LOKI, query: '{app=', end: END, retryDelayMs: 1 });
    await expect(p).rejects.toBeInstanceOf(UserError);
    await expect(p).rejects.toThrow(/HTTP 400: parse error/);
    expect(nock.isDone()).toBe(true);
  });

  it('rejects a response that is not a streams result', async () => {
    nock(LOKI).get('/loki/api/v1/query_range').query(true).reply(200, { status: 'success', data: { resultType: 'matrix', result: [] } });
    await expect(scanLoki({ url: LOKI, query: 'rate({app="x"}[5m])', end: END })).rejects.toThrow(/resultType streams/);
  });

  it('sends LOKI_TOKEN and LOKI_ORG_ID from the environment without printing them', async () => {
    process.env.LOKI_TOKEN = 's3cret';
    process.env.LOKI_ORG_ID = 'team-a';
    try {
      nock(LOKI, { reqheaders: { authorization: 'Bearer s3cret', 'x-scope-orgid': 'team-a' } })
        .get('/loki/api/v1/query_range')
        .query(true)
        .reply(200, body([]));
      const r = await scanLoki({ url: LOKI, query: '{app="x"}', end: END });
      expect(r).toMatchObject({ lines: 0, pii_leaks: 0, files: 0 });
    } finally {
      delete process.env.LOKI_TOKEN;
      delete process.env.LOKI_ORG_ID;
    }
  });

  it('the pushed-down filter keeps every line the scanner could flag', () => {
    // JS and RE2 agree on these constructs; check the joined filter against each needle's own hits.
    // Node has no inline `(?i:…)`: the case-sensitive needle holds no letter, so one `i` flag is the same.
    expect(NEEDLES.filter(({ re }) => !re.flags.includes('i')).every(({ re }) => !/[A-Za-z]/.test(re.source.replace(/\\[a-zA-Z]/g, '')))).toBe(true);
    const filter = new RegExp(LOKI_LINE_FILTER.replace(/\(\?i:/g, '(?:'), 'i');
    for (const line of ['to jane@acme.io', 'UserName=x', 'PHONE=4155552671', '1.2.3.4', '2001:db8::1', '4111 1111 1111 1111', '(415) 555-2671', '+44 20', 'web-01 sshd[2211]: Accepted publickey for alice from 10.0.3.4', 'web-01 sudo:    kim : TTY=pts/0 ; PWD=/home/kim ; USER=root ; COMMAND=/bin/ls', 'proxy.example.net identd-x bob [22/Nov/2026:08:00:00 +0000] "GET / HTTP/1.1" 200 5']) {
      expect(NEEDLES.some(({ re }) => new RegExp(re.source, re.flags.replace('g', '')).test(line))).toBe(true);
      expect(filter.test(line), line).toBe(true);
    }
    expect(filter.test('{"msg":"webhook delivered","status":200}')).toBe(false);
    // an access log's user has a needle of its own (not only the time's colons and `+0000`)
    expect(filter.test('proxy.example.net identd-x bob [t] "GET / HTTP/1.1" 200 5')).toBe(true);
    expect(filter.test('proxy.example.net - - [t] "GET / HTTP/1.1" 200 5')).toBe(false);
  });

  it('parses durations', () => {
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('30m')).toBe(1_800_000);
    expect(() => parseDuration('2 hours')).toThrow(/bad duration/);
  });
});
