// The prefilter drops candidates at byte level; it must never drop one detection would turn
// into a finding. Checked two ways on the labelled corpora, the benchmark's realistic shapes
// and random adversarial text:
//  - exactness: findings from the prefilter's candidates equal findings from every anchor
//    position (each `@`, `%40`, `+digit`, `:`, username word, access-log user and digit run);
//  - the SIMD kernel and the JavaScript pass report the same candidates, at any alignment.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectContext, detectHits, detectLine, type DetectContext } from '../../src/pii/detect.ts';
import { compilePolicy, EMPTY_POLICY } from '../../src/pii/policy.ts';
import { K_ACCESS_USER, K_AUTH_USER, K_AT, K_NUMBER, K_PCT40, K_PLUS, K_V6, K_WORD, prefilterFor } from '../../src/pii/prefilter.ts';
import { webhookDeliveryPiiPolicy } from '../../runbooks/webhook-delivery/pii-policy.ts';
import { SHAPES, prng } from '../../bench/pii-shapes.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.slice(l.indexOf('\t') + 1));

function shapeLines(perShape: number): string[] {
  const out: string[] = [];
  SHAPES.forEach((shape, i) => {
    const r = prng(7 + i);
    for (let n = 0; n < perShape; n++) out.push(shape.line(n, r, n % 5 === 0));
  });
  return out;
}

/** Random text from the bytes the prefilter cares about, with some words and addresses mixed in. */
function adversarial(count: number, seed: number): string[] {
  const r = prng(seed);
  const atoms = ['0', '1', '4', '5', '9', '7', ' ', '.', '-', '(', ')', ':', '::', 'a', 'f', 'x', '@', '+', '"', '{', '}', '=', ',', '%40', '%2B', '[', ' - ', 'user', 'User', 'login', '"agent":{"handle":"', 'actor.login_name=', '"x":{"nick":"', 'name',  'phone":"', '"username":', 'noreply@', 'jane@acme.io', '415 555 0199', '10.0.0.1', '81.2.69.160', '2001:db8:1:2:3:4:5:6', 'fe80::1', '4111 1111 1111 1111', '+44 20 7946 0958', '011 44 20 7946 0958', ' sshd[', '812]: ', 'Accepted publickey for ', 'session opened for user ', 'bob', ' sudo: ', 'su: ', ' : TTY=pts/0 ; USER=root ; COMMAND=/bin/ls', '; USER=root ; ', 'for user ', '<38>1 ', ' sshd 42 - - ', '"SYSLOG_IDENTIFIER":"sudo"', '"MESSAGE":"', 'CRON[', 'useradd[', 'new user: name=', ' [22/Nov/2026:08:00:00 +0000] "'];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let s = '';
    const n = 1 + Math.floor(r() * 40);
    for (let k = 0; k < n; k++) s += atoms[Math.floor(r() * atoms.length)];
    out.push(s);
  }
  return out;
}

/** Every position a detector could start from, with no byte-level judgement at all. */
function everyAnchor(line: string, ctx: DetectContext, everyWord = false): number[] {
  const hits: number[] = [];
  const lower = line.toLowerCase();
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '@') hits.push(i * 16 + K_AT);
    if (line.startsWith('%40', i)) hits.push(i * 16 + K_PCT40);
    if (c === '+' && /\d/.test(line[i + 1] ?? '')) hits.push(i * 16 + K_PLUS);
    if (c === ':') hits.push(i * 16 + K_V6);
    if (/\d/.test(c) && !/\d/.test(line[i - 1] ?? '')) hits.push(i * 16 + K_NUMBER);
    // an access log's user may be any token after a space; an authentication program's tag any word
    if (line[i - 1] === ' ' && !/\s/.test(c)) hits.push(i * 16 + K_ACCESS_USER);
    if (/[A-Za-z]/.test(c) && !/[A-Za-z0-9_-]/.test(line[i - 1] ?? '')) hits.push(i * 16 + K_AUTH_USER);
    if (everyWord) {
      // every word start, not only the policy's username words: the words themselves are under test
      if (/[A-Za-z0-9_]/.test(c) && !/[A-Za-z0-9_]/.test(line[i - 1] ?? '')) hits.push(i * 16 + K_WORD);
    } else for (const w of ctx.usernameWords) if (lower.startsWith(w, i)) hits.push(i * 16 + K_WORD);
  }
  return hits.sort((a, b) => a - b);
}

const key = (f: { category: string; start: number; end: number; rule: string; field: string }) => `${f.category} ${f.start}-${f.end} ${f.rule} ${f.field}`;
const where = (f: { category: string; start: number; end: number; rule: string }) => `${f.category} ${f.start}-${f.end} ${f.rule}`;

const POLICIES = {
  'the flagship policy': compilePolicy(webhookDeliveryPiiPolicy),
  'no policy': compilePolicy(EMPTY_POLICY),
  'GB and FR numbers, private ranges personal': compilePolicy({ ...webhookDeliveryPiiPolicy, phoneCountries: ['GB', 'FR'], personalRanges: ['10.0.0.0/8'] }),
  'username patterns of two segments': compilePolicy({
    ...webhookDeliveryPiiPolicy,
    fields: { ...webhookDeliveryPiiPolicy.fields, username: ['user.name', 'agent.handle', 'actor.login_name', '*.nick'] },
  }),
};

const CORPUS = [...fixture('labelled.tsv'), ...fixture('shapes.tsv'), ...fixture('unseen.tsv'), ...fixture('peers.tsv'), ...fixture('vendor.tsv'), ...shapeLines(150)];

describe('prefilter', () => {
  for (const [name, policy] of Object.entries(POLICIES)) {
    it(`drops no candidate detection would report (${name})`, () => {
      const ctx = detectContext(policy);
      const lines = [...CORPUS, ...adversarial(4000, 11)];
      let findings = 0;
      const missed: string[] = [];
      for (const line of lines) {
        const want = detectHits(line, everyAnchor(line, ctx), ctx).map(key);
        const got = detectLine(line, ctx).map(key);
        findings += want.length;
        if (want.join('\n') !== got.join('\n')) missed.push(`${JSON.stringify(line)}\n  every anchor: ${want.join('; ')}\n  prefilter:    ${got.join('; ')}`);
        // from every word, too: no value is missed for want of a username word (the field may
        // be named from another key, so only what was found and where is compared)
        const wide = detectHits(line, everyAnchor(line, ctx, true), ctx).map(where);
        const gotWhere = new Set(got.map((k) => k.slice(0, k.lastIndexOf(' '))));
        const lost = wide.filter((w) => !gotWhere.has(w));
        if (lost.length) missed.push(`${JSON.stringify(line)}\n  from every word: ${lost.join('; ')} not found`);
      }
      expect(missed.slice(0, 5).join('\n')).toBe('');
      expect(findings).toBeGreaterThan(200);
    });
  }

  it('drops nearly every candidate of a realistic clean line', () => {
    const ctx = detectContext(POLICIES['the flagship policy']);
    const clean = SHAPES.flatMap((shape, i) => {
      const r = prng(40 + i);
      return Array.from({ length: 200 }, (_, n) => shape.line(n, r, false));
    });
    let withCandidate = 0;
    for (const line of clean) {
      const hits: number[] = [];
      const b = Buffer.from(line, 'latin1');
      ctx.prefilter.scan(b, 0, b.length, hits);
      if (hits.length) withCandidate++;
    }
    // nested `"user":{…}` objects (ECS) and OTLP `enduser.id` attributes are read by the detector
    expect(withCandidate / clean.length).toBeLessThan(0.3);
  });

  it('finds the same candidates with the SIMD kernel and in JavaScript, at any alignment', () => {
    const words = ['login', 'user'];
    for (const opts of [{}, { nationalTrunk: true, keepPrivate: true }]) {
      const simd = prefilterFor(words, { ...opts, simd: true });
      const js = prefilterFor(words, { ...opts, simd: false });
      const text = [...CORPUS, ...adversarial(3000, 5)].join('\n') + '\n';
      const body = Buffer.from(text, 'latin1');
      for (let shift = 0; shift < 4; shift++) {
        const buf = Buffer.alloc(body.length + 8);
        body.copy(buf, shift);
        // whole-line pieces of uneven sizes, as the reader hands them over
        let from = shift;
        let piece = 0;
        while (from < shift + body.length) {
          let to = Math.min(shift + body.length, from + 512 + ((piece++ * 7919) % 9000));
          const nl = buf.indexOf(10, to - 1);
          to = nl < 0 ? shift + body.length : nl + 1;
          const a: number[] = [];
          const b: number[] = [];
          simd.scan(buf, from, to, a);
          js.scan(buf, from, to, b);
          // IPv6 chains are found by different rules (colons per block, colons per stretch) that
          // agree on anything an address could be; the exactness test above covers them
          const norm = (h: number[]) => [...new Set(h.filter((x) => x % 16 !== K_V6))].sort((x, y) => x - y);
          expect(norm(a)).toEqual(norm(b));
          from = to;
        }
      }
    }
  });

  it('reports a stretch that runs to the end of a range, and a chain of colons across blocks', () => {
    const pf = prefilterFor(['user']);
    const kinds = (s: string) => {
      const hits: number[] = [];
      pf.scan(Buffer.from(s, 'latin1'), 0, s.length, hits);
      return hits.map((h) => h % 16);
    };
    // 16 + 16 bytes: the card ends exactly at a block edge; then one byte short of it, and one past
    for (const pad of [16, 15, 17]) expect(kinds('x'.repeat(pad) + '4111111111111111')).toContain(K_NUMBER);
    expect(kinds('x'.repeat(22) + '4111 1111 1111 1111')).toContain(K_NUMBER);
    expect(kinds('x'.repeat(29) + '4155550199')).toEqual([]); // a bare 10-digit run outside a phone field
    expect(kinds('ip=' + 'x'.repeat(13) + '2001:0db8:85a3:0000:0000:8a2e:0370:7334 ok')).toContain(K_V6);
    expect(kinds('"ts":"2026-12-01T06:47:22.123Z","status":200,"bytes":5123')).toEqual([]);
  });

  it('runs the kernel assembled from the committed source (src/pii/wasm/*.wat)', () => {
    const r = spawnSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { cwd: new URL('../..', import.meta.url), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
