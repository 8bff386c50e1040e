// `pii-scan --loki`: page through Loki's query_range API with a pushed-down `|~` line filter
// (Loki's queriers drop most lines across the cluster), then run the same precise checks locally.
// Response shape (Loki HTTP API): {"status":"success","data":{"resultType":"streams",
//   "result":[{"stream":{<labels>},"values":[["<unix ns>","<line>"],...]}]}}
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../contract/errors.ts';
import { PII_CATEGORIES } from '../contract/metrics.ts';
import { compileAllowList, type AllowList } from './allowlist.ts';
import { NEEDLES } from './detect.ts';
import type { ScanResult } from './types.ts';
import { fingerprintKey } from './scan.ts';
import { Tally, emptyCounts } from './tally.ts';
import { bucketSeconds, emptyClock, isoTime, type ClockState, type TimeWindow } from './coverage.ts';

export interface LokiScanOptions {
  /** Base URL, e.g. http://loki:3100 */
  url: string;
  /** LogQL stream selector (optionally with pipeline stages), e.g. {app="webhook-sender"} */
  query: string;
  /** How far back to read, e.g. 2h, 30m (default 2h). */
  since?: string;
  /** End of the window (default now). */
  end?: Date;
  /** Entries per page (default 5000, Loki's usual max_entries_limit_per_query). */
  pageSize?: number;
  allow?: AllowList;
  maxFindings?: number;
  evidenceLines?: number;
  /** Attempts per page on 429, 5xx or a network error (default 5). */
  attempts?: number;
  /** First retry delay; doubles each attempt; `Retry-After` wins when sent (default 500 ms). */
  retryDelayMs?: number;
}

/**
 * The line filter pushed to Loki: the scanner's own needles joined, so it is a superset of what
 * the scanner can find (RE2 accepts these sources; case-insensitive ones get a (?i:...) group).
 */
export const LOKI_LINE_FILTER = NEEDLES.map(({ re }) => (re.flags.includes('i') ? `(?i:${re.source})` : re.source)).join('|');

export function parseDuration(s: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(s);
  if (!m) throw new UserError(`bad duration '${s}' (use e.g. 30m, 2h, 1d)`, 2);
  const mult = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * mult;
}

interface LokiStream {
  stream: Record<string, string>;
  values: [string, string][];
}

function streamName(labels: Record<string, string>): string {
  const body = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');
  return `loki:{${body}}`;
}

async function fetchPage(url: URL, opts: LokiScanOptions, headers: Record<string, string>): Promise<LokiStream[]> {
  const body = (await fetchJson(url, opts, headers)) as { status?: string; data?: { resultType?: string; result?: LokiStream[] } };
  if (body.status !== 'success' || body.data?.resultType !== 'streams' || !Array.isArray(body.data.result)) {
    throw new UserError(`loki: unexpected query_range response (want status success, resultType streams)`, 2);
  }
  return body.data.result;
}

/** GET with retries on 429, 5xx and network errors; the JSON body of a 2xx answer. */
async function fetchJson(url: URL, opts: Pick<LokiScanOptions, 'attempts' | 'retryDelayMs'>, headers: Record<string, string>): Promise<unknown> {
  const attempts = opts.attempts ?? 5;
  const base = opts.retryDelayMs ?? 500;
  let last = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, { headers });
    } catch (err) {
      last = `network error: ${(err as Error).message}`;
      if (attempt < attempts) await sleep(base * 2 ** (attempt - 1));
      continue;
    }
    if (res.ok) {
      const body = (await res.json().catch(() => null)) as { status?: string } | null;
      if (body?.status !== 'success') throw new UserError(`loki: ${url.pathname} did not answer Loki's JSON (status success)`, 2);
      return body;
    }
    const text = (await res.text()).split('\n')[0].slice(0, 200);
    last = `HTTP ${res.status}${text ? `: ${text}` : ''}`;
    if (res.status !== 429 && res.status < 500) throw new UserError(`loki: query_range failed: ${last}`, 2);
    if (attempt < attempts) {
      const ra = Number(res.headers.get('retry-after'));
      await sleep(Number.isFinite(ra) && ra > 0 ? Math.min(ra * 1000, 30_000) : base * 2 ** (attempt - 1));
    }
  }
  throw new UserError(`loki: query_range failed after ${attempts} attempts: ${last}`, 2);
}

/** Scans the last `since` of a Loki stream selector. Same result shape as scanLogs. */
export async function scanLoki(opts: LokiScanOptions): Promise<ScanResult> {
  const maxFindings = opts.maxFindings ?? 1000;
  const evidenceLines = opts.evidenceLines ?? 0;
  const pageSize = opts.pageSize ?? 5000;
  const key = fingerprintKey();
  const allow = compileAllowList(opts.allow);
  const endMs = (opts.end ?? new Date()).getTime();
  const end = BigInt(endMs) * 1_000_000n;
  let start = end - BigInt(parseDuration(opts.since ?? '2h')) * 1_000_000n;
  let base: URL;
  try {
    base = new URL('loki/api/v1/query_range', opts.url.endsWith('/') ? opts.url : opts.url + '/');
  } catch {
    throw new UserError(`loki: bad URL '${opts.url}'`, 2);
  }
  const headers: Record<string, string> = { accept: 'application/json' };
  if (process.env.LOKI_TOKEN) headers.authorization = `Bearer ${process.env.LOKI_TOKEN}`;
  if (process.env.LOKI_ORG_ID) headers['x-scope-orgid'] = process.env.LOKI_ORG_ID;
  const logql = `${opts.query} |~ \`${LOKI_LINE_FILTER}\``;

  const streams = new Map<string, { tally: Tally; n: number; first: bigint; last: bigint }>();
  // Entries already scanned at the page boundary timestamp, since the next page starts there (inclusive).
  let boundary = new Set<string>();
  for (;;) {
    const url = new URL(base);
    url.searchParams.set('query', logql);
    url.searchParams.set('start', start.toString());
    url.searchParams.set('end', end.toString());
    url.searchParams.set('limit', String(pageSize));
    url.searchParams.set('direction', 'forward');
    const result = await fetchPage(url, opts, headers);
    const entries: { ts: bigint; line: string; name: string }[] = [];
    for (const s of result) {
      const name = streamName(s.stream ?? {});
      for (const [ts, line] of s.values ?? []) entries.push({ ts: BigInt(ts), line, name });
    }
    entries.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
    let fresh = 0;
    const lastTs = entries.length ? entries[entries.length - 1].ts : start;
    const nextBoundary = new Set<string>();
    for (const e of entries) {
      const id = `${e.ts}\0${e.name}\0${e.line}`;
      if (e.ts === lastTs) nextBoundary.add(id);
      if (e.ts === start && boundary.has(id)) continue;
      fresh++;
      let s = streams.get(e.name);
      if (!s) {
        s = { tally: new Tally(e.name, { allow, key, maxFindings, evidenceLines, utf16: true }), n: 0, first: e.ts, last: e.ts };
        streams.set(e.name, s);
      }
      s.n++;
      if (e.ts < s.first) s.first = e.ts;
      if (e.ts > s.last) s.last = e.ts;
      s.tally.result.bytes += Buffer.byteLength(e.line);
      s.tally.scanText(e.line, s.n);
    }
    if (entries.length < pageSize) break;
    // A full page: continue from its last timestamp (inclusive), skipping what we already saw there.
    // A page of nothing new means more than pageSize entries share one timestamp: step past it.
    if (fresh === 0) {
      start = lastTs + 1n;
      boundary = new Set();
    } else {
      if (lastTs === start) for (const id of boundary) nextBoundary.add(id);
      boundary = nextBoundary;
      start = lastTs;
    }
    if (start >= end) break;
  }

  const out: ScanResult = { pii_leaks: 0, by_category: emptyCounts(), files: streams.size, lines: 0, bytes: 0, findings: [], errors: [], per_file: [] };
  const evidence: NonNullable<ScanResult['evidence']> = [];
  let truncated = false;
  let evidenceTruncated = false;
  const nsIso = (ns: bigint) => isoTime(Number(ns / 1_000_000n) / 1000);
  for (const { tally, n, first, last } of streams.values()) {
    const r = tally.result;
    // Loki's own entry times; only lines the pushed-down filter kept are seen here
    out.per_file.push({ file: tally.file, lines: n, first_ts: nsIso(first), last_ts: nsIso(last) });
    out.pii_leaks += r.pii_leaks;
    for (const c of PII_CATEGORIES) out.by_category[c] += r.by_category[c];
    out.lines += n;
    out.bytes += r.bytes;
    for (const f of r.findings) {
      if (out.findings.length < maxFindings) out.findings.push(f);
      else truncated = true;
    }
    truncated ||= r.findings_truncated;
    for (const e of r.evidence) {
      if (evidence.length < evidenceLines) evidence.push(e);
      else evidenceTruncated = true;
    }
    evidenceTruncated ||= r.evidence_truncated;
  }
  if (truncated) out.findings_truncated = true;
  if (evidenceLines > 0) {
    out.evidence = evidence;
    if (evidenceTruncated) out.evidence_truncated = true;
  }
  return out;
}

/**
 * Lines per bucket of the window from Loki itself (`count_over_time` over the stream
 * selector, no line filter), as a clock for coverage: the scan only sees filtered lines.
 * Response shape: {"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[<unix s>,"<count>"],...]}]}}
 */
export async function lokiCounts(url: string, query: string, w: TimeWindow, opts: Pick<LokiScanOptions, 'attempts' | 'retryDelayMs'> = {}): Promise<ClockState> {
  const bs = Math.max(1, Math.round(bucketSeconds(w)));
  const u = new URL('loki/api/v1/query_range', url.endsWith('/') ? url : url + '/');
  u.searchParams.set('query', `sum(count_over_time(${query} [${bs}s]))`);
  u.searchParams.set('start', String(Math.floor(w.start)));
  u.searchParams.set('end', String(Math.ceil(w.end)));
  u.searchParams.set('step', `${bs}s`);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (process.env.LOKI_TOKEN) headers.authorization = `Bearer ${process.env.LOKI_TOKEN}`;
  if (process.env.LOKI_ORG_ID) headers['x-scope-orgid'] = process.env.LOKI_ORG_ID;
  const res = await fetchJson(u, opts, headers);
  const data = (res as { data?: { resultType?: string; result?: { values?: [number | string, string][] }[] } }).data;
  if (data?.resultType !== 'matrix' || !Array.isArray(data.result)) throw new UserError('loki: unexpected count_over_time response (want resultType matrix)', 2);
  const clock = emptyClock();
  const buckets = new Set<number>();
  for (const series of data.result) {
    for (const [ts, v] of series.values ?? []) {
      const t = Number(ts);
      const n = Number(v);
      if (!Number.isFinite(t) || !(n > 0)) continue;
      // a point at t counts the lines of (t - bs, t]
      const from = Math.max(w.start, t - bs);
      const to = Math.min(w.end, t);
      clock.lines += n;
      clock.inWindow += n;
      clock.first = clock.first === null ? from : Math.min(clock.first, from);
      clock.last = clock.last === null ? to : Math.max(clock.last, to);
      clock.firstIn = clock.first;
      clock.lastIn = clock.last;
      buckets.add(Math.floor((to - w.start - 1e-9) / bucketSeconds(w)));
    }
  }
  clock.buckets = [...buckets].sort((a, b) => a - b);
  return clock;
}
