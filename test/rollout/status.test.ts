// `canary status`: the pure status over every state a rollout can be in, then the CLI on
// evidence folders holding verdicts in the gate's own format.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { timelineSvg } from '../../src/charts/timeline.ts';
import { rolloutStatus, statusNeedsAction, humanDuration, type RecordedVerdict } from '../../src/rollout/status.ts';
import type { CheckpointName } from '../../src/contract/runbook.ts';
import { runbook } from '../../runbooks/webhook-delivery/index.ts';
import { slogate } from '../harness/cli.ts';

const T0 = Date.parse('2026-01-05T08:00:00Z') / 1000;
const min = (m: number) => T0 + m * 60;
const status = (nowMin: number, rec: [CheckpointName, RecordedVerdict][] = [], phase = 5, t0: number | null = T0) =>
  rolloutStatus({ runbook, phase, t0, now: min(nowMin), recorded: new Map(rec), evidenceDir: 'evidence/canary' });

describe('rollout status (pure)', () => {
  it('before T+0: not started, the next command is preflight --start-now', () => {
    const s = status(0, [], 5, null);
    expect(s.state).toBe('not-started');
    expect(s.next_command).toMatch(/^slogate preflight .*--phase 5 --evidence evidence\/canary --start-now$/);
  });

  it('T+10m: the T+30m checkpoint opens in 15 min at 08:25 and closes at 08:35', () => {
    const s = status(10);
    expect(s.state).toBe('in-progress');
    expect(s.message).toBe('T+30m checkpoint opens in 15 min (08:25 UTC), closes at 08:35 UTC.');
    expect(s.due).toEqual({ checkpoint: '30m', open: false, opens_at: '2026-01-05T08:25:00Z', closes_at: '2026-01-05T08:35:00Z', opens_in_seconds: 900, closes_in_seconds: 1500 });
    expect(s.checkpoints.map((c) => [c.label, c.earliest, c.latest, c.state])).toEqual([
      ['T+30m', '2026-01-05T08:25:00Z', '2026-01-05T08:35:00Z', 'upcoming'],
      ['T+2h', '2026-01-05T09:55:00Z', '2026-01-05T10:10:00Z', 'upcoming'],
      ['T+24h', '2026-01-06T07:50:00Z', '2026-01-06T08:30:00Z', 'upcoming'],
    ]);
    expect(s.next_command).toBe('slogate gate --prometheus "$PROMETHEUS_URL" --start 2026-01-05T08:00:00Z --checkpoint 30m --phase 5 --out evidence/canary');
    expect(statusNeedsAction(s)).toBe(false);
  });

  it('T+27m: open now, closing in 8 min', () => {
    const s = status(27);
    expect(s.message).toBe('T+30m checkpoint is open now, closes at 08:35 UTC (in 8 min).');
    expect(s.due?.open).toBe(true);
  });

  it('T+30m verdict recorded at T+31m: done; T+2h opens in 1 h 24 min', () => {
    const s = status(31, [['30m', { verdict: 'continue', at: min(30) }]]);
    expect(s.checkpoints[0]).toMatchObject({ state: 'done', verdict: 'continue', verdict_at: '2026-01-05T08:30:00Z', outside_window: false });
    expect(s.message).toBe('T+2h checkpoint opens in 1 h 24 min (09:55 UTC), closes at 10:10 UTC.');
  });

  it('T+40m with no T+30m verdict: missed, named, and the status asks for action', () => {
    const s = status(40);
    expect(s.missed).toEqual(['30m']);
    expect(s.checkpoints[0].state).toBe('missed');
    expect(s.message).toMatch(/^T\+2h checkpoint opens in 1 h 15 min .* Missed: T\+30m\.$/);
    expect(statusNeedsAction(s)).toBe(true);
  });

  it('an inconclusive gate leaves the checkpoint open and asks for it again', () => {
    const s = status(33, [['30m', { verdict: 'inconclusive', at: min(31) }]]);
    expect(s.checkpoints[0].state).toBe('open');
    expect(s.message).toMatch(/open now \(the last gate was inconclusive: run it again\)/);
  });

  it('a rollback verdict: rolled back, next is rollback verify', () => {
    const s = status(125, [
      ['30m', { verdict: 'continue', at: min(30) }],
      ['2h', { verdict: 'rollback', at: min(121) }],
    ]);
    expect(s.state).toBe('rolled-back');
    expect(s.message).toMatch(/T\+2h verdict was rollback/);
    expect(s.next_command).toBe('slogate rollback verify --prometheus "$PROMETHEUS_URL" --evidence evidence/canary');
    expect(statusNeedsAction(s)).toBe(true);
  });

  it('marginal at the final checkpoint rolls back too', () => {
    expect(status(1445, [['24h', { verdict: 'marginal', at: min(1441) }]]).state).toBe('rolled-back');
  });

  it('promote at T+24h: phase complete, next is the 25% preflight into phase2/', () => {
    const s = status(1445, [
      ['30m', { verdict: 'continue', at: min(30) }],
      ['2h', { verdict: 'continue', at: min(120) }],
      ['24h', { verdict: 'promote', at: min(1440) }],
    ]);
    expect(s.state).toBe('phase-complete');
    expect(s.next_command).toMatch(/--phase 25 --evidence evidence\/canary\/phase2 --start-now$/);
  });

  it('the T+24h window closed without a verdict: blocked', () => {
    const s = status(1500, [['30m', { verdict: 'continue', at: min(30) }], ['2h', { verdict: 'continue', at: min(120) }]]);
    expect(s.state).toBe('blocked');
    expect(s.message).toMatch(/T\+24h window closed at 08:30 UTC without a verdict/);
  });

  it('an unreadable verdict blocks, pointing at evidence verify', () => {
    const s = status(40, [['30m', { problem: 'verdict_T+30m.json is not JSON' }]]);
    expect(s.state).toBe('blocked');
    expect(s.next_command).toBe('slogate evidence verify evidence/canary');
  });

  it('phase 2 has its own checkpoints; phase 3 is daily monitoring', () => {
    expect(status(10, [], 25).checkpoints.map((c) => c.label)).toEqual(['T+2h', 'T+24h', 'T+48h']);
    expect(status(10, [], 25).checkpoints[2].latest).toBe('2026-01-07T08:30:00Z');
    const p3 = status(10, [], 100);
    expect(p3.state).toBe('daily-monitoring');
    expect(p3.next_command).toMatch(/^slogate slo status/);
  });

  it('durations read like a person would say them', () => {
    expect([humanDuration(59), humanDuration(35 * 60), humanDuration(7200), humanDuration(86400 + 3 * 3600)]).toEqual(['1 min', '35 min', '2 h', '1 d 3 h']);
  });

  it('the timeline picture has a band and label per checkpoint and a now line', () => {
    const svg = timelineSvg(status(125, [['30m', { verdict: 'continue', at: min(30) }], ['2h', { verdict: 'rollback', at: min(121) }]]));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('T+30m: continue');
    expect(svg).toContain('T+2h: rollback');
    expect(svg).toContain('T+24h: upcoming');
    expect(svg).toContain('now 10:05 UTC');
    expect(svg.match(/<rect /g)).toHaveLength(4);
  });
});

describe('slogate canary status', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'slogate-status-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  /** A folder with T+0 and the gate's marginal T+30m verdict, moved to this canary's window. */
  function folder(name: string): string {
    const d = join(tmp, name);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'start_time.txt'), '2026-01-05T08:00:00Z\n');
    const v = JSON.parse(readFileSync('test/report/fixtures/verdict_T+30m_marginal.json', 'utf8'));
    v.window = { start: '2026-01-05T08:00:00Z', end: '2026-01-05T08:30:00Z' };
    writeFileSync(join(d, 'verdict_T+30m.json'), JSON.stringify(v, null, 2));
    return d;
  }

  it('prints the checkpoints, what is next and the command; --json carries the same; --svg writes the timeline', () => {
    const d = folder('marginal');
    const svg = join(d, 'timeline.svg');
    const r = slogate(['canary', 'status', '--evidence', d, '--at', '2026-01-05T09:20:00Z', '--svg', svg]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Phase 1 \(5%\): in-progress, T\+0 2026-01-05T08:00:00Z \(1 h 20 min ago\)$/m);
    expect(r.stdout).toMatch(/^ {2}done {3}T\+30m {2}2026-01-05 08:25–08:35 UTC {3}marginal at 2026-01-05T08:30:00Z$/m);
    expect(r.stdout).toContain('T+2h checkpoint opens in 35 min (09:55 UTC), closes at 10:10 UTC.');
    expect(r.stdout).toContain(`next: slogate gate --prometheus "$PROMETHEUS_URL" --start 2026-01-05T08:00:00Z --checkpoint 2h --phase 5 --out ${d}`);
    expect(readFileSync(svg, 'utf8')).toContain('T+30m: marginal');
    const j = JSON.parse(slogate(['canary', 'status', '--evidence', d, '--at', '2026-01-05T09:20:00Z', '--json']).stdout);
    expect(j).toMatchObject({ phase: 5, state: 'in-progress', t0: '2026-01-05T08:00:00Z', due: { checkpoint: '2h', opens_in_seconds: 2100 }, missed: [] });
  });

  it('exits 1 when a checkpoint was missed', () => {
    const d = folder('missed');
    const r = slogate(['canary', 'status', '--evidence', d, '--at', '2026-01-05T10:30:00Z', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).missed).toEqual(['2h']);
  });

  it('a hand-edited verdict is not trusted', () => {
    const d = folder('edited');
    const f = join(d, 'verdict_T+30m.json');
    writeFileSync(f, readFileSync(f, 'utf8').replace('"verdict": "marginal"', '"verdict": "continue"'));
    const r = slogate(['canary', 'status', '--evidence', d, '--at', '2026-01-05T09:20:00Z', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).state).toBe('blocked');
  });

  it('a phase2 folder reads T+0 from phase2_start_time.txt beside it and is the 25% phase', () => {
    const d = join(tmp, 'canary', 'phase2');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(tmp, 'canary', 'phase2_start_time.txt'), '2026-01-07T08:00:00Z\n');
    const j = JSON.parse(slogate(['canary', 'status', '--evidence', d, '--at', '2026-01-07T09:00:00Z', '--json']).stdout);
    expect(j).toMatchObject({ phase: 25, t0: '2026-01-07T08:00:00Z', due: { checkpoint: '2h' } });
  });

  it('bad input is one line and exit 2', () => {
    const d = folder('bad');
    writeFileSync(join(d, 'start_time.txt'), 'yesterday\n');
    for (const args of [
      ['--evidence', join(tmp, 'nope')],
      ['--evidence', d],
      ['--evidence', folder('ok'), '--phase', '50'],
      ['--evidence', folder('ok2'), '--at', 'soon'],
    ]) {
      const r = slogate(['canary', 'status', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
  });
});
