// Where a rollout stands, from T+0, the verdicts recorded in the evidence folder and the
// clock. Pure: every answer (what is due, what was missed, the next command) is a function
// of those three, so it is tested without waiting for any clock.
import type { CanaryPhase, CheckpointName, Runbook } from '../contract/runbook.ts';
import type { Verdict } from '../gate/decide.ts';
import { toRfc3339 } from '../evidence/verdict.ts';

export type CheckpointState = 'done' | 'open' | 'upcoming' | 'missed' | 'unreadable';

/** What the folder holds for one checkpoint: a verdict (and when its window ended), or why it can't be read. */
export type RecordedVerdict = { verdict: Verdict; at: number } | { problem: string };

export interface CheckpointStatus {
  checkpoint: CheckpointName;
  label: string;
  /** RFC3339. */
  nominal: string;
  earliest: string;
  latest: string;
  state: CheckpointState;
  verdict: Verdict | null;
  /** When the recorded verdict's window ended. */
  verdict_at: string | null;
  /** The verdict was taken outside the checkpoint's window. */
  outside_window: boolean;
  problem?: string;
}

export type RolloutState = 'not-started' | 'in-progress' | 'rolled-back' | 'phase-complete' | 'blocked' | 'daily-monitoring';

export interface DueCheckpoint {
  checkpoint: CheckpointName;
  open: boolean;
  opens_at: string;
  closes_at: string;
  /** Negative once open. */
  opens_in_seconds: number;
  closes_in_seconds: number;
}

export interface RolloutStatus {
  phase: number;
  phase_name: string;
  t0: string | null;
  now: string;
  /** Minutes since T+0 (null before the start). */
  elapsed_minutes: number | null;
  state: RolloutState;
  checkpoints: CheckpointStatus[];
  due: DueCheckpoint | null;
  missed: CheckpointName[];
  /** One sentence: what is due now or next, or what happened. */
  message: string;
  next_command: string | null;
}

export interface StatusInput {
  runbook: Runbook;
  phase: number;
  /** Unix seconds; null when start_time.txt is not there. */
  t0: number | null;
  now: number;
  recorded: ReadonlyMap<CheckpointName, RecordedVerdict>;
  evidenceDir: string;
}

/** A verdict that settles its checkpoint (inconclusive asks for the gate again). */
const settles = (v: Verdict) => v !== 'inconclusive';

export const hhmm = (unix: number) => toRfc3339(unix).slice(11, 16);

/** "35 min", "2 h 5 min", "1 d 3 h". */
export function humanDuration(seconds: number): string {
  const m = Math.max(0, Math.round(seconds / 60));
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

export function phaseOf(rb: Runbook, percent: number): CanaryPhase | undefined {
  return rb.phases.find((p) => p.phase === percent);
}

function gateCommand(s: StatusInput, cp: CheckpointName): string {
  return `slogate gate --prometheus "$PROMETHEUS_URL" --start ${toRfc3339(s.t0!)} --checkpoint ${cp} --phase ${s.phase} --out ${s.evidenceDir}`;
}

export function rolloutStatus(s: StatusInput): RolloutStatus {
  const rb = s.runbook;
  const phaseName = (p: CanaryPhase) => `Phase ${rb.phases.indexOf(p) + 1} (${p.phase}%)`;
  const phase = phaseOf(rb, s.phase);
  if (!phase) throw new RangeError(`no phase ${s.phase}%`);
  const base = { phase: s.phase, phase_name: phaseName(phase), now: toRfc3339(s.now) };
  if (!phase.checkpoints.length) {
    return {
      ...base,
      t0: s.t0 === null ? null : toRfc3339(s.t0),
      elapsed_minutes: s.t0 === null ? null : Math.floor((s.now - s.t0) / 60),
      state: 'daily-monitoring',
      checkpoints: [],
      due: null,
      missed: [],
      message: `${phaseName(phase)} has no checkpoints: the daily SLO check replaces them.`,
      next_command: 'slogate slo status --prometheus "$PROMETHEUS_URL"',
    };
  }
  if (s.t0 === null) {
    return {
      ...base,
      t0: null,
      elapsed_minutes: null,
      state: 'not-started',
      checkpoints: [],
      due: null,
      missed: [],
      message: `${phaseName(phase)} has not started: ${s.evidenceDir} has no start_time.txt.`,
      next_command: `slogate preflight --prometheus "$PROMETHEUS_URL" --alertmanager "$ALERTMANAGER_URL" --grafana "$GRAFANA_URL" --phase ${s.phase} --evidence ${s.evidenceDir} --start-now`,
    };
  }
  const t0 = s.t0;
  const at = (min: number) => t0 + min * 60;
  const checkpoints: CheckpointStatus[] = phase.checkpoints.map((cp) => {
    const times = rb.checkpoints[cp];
    const earliest = at(times.earliestMinutes);
    const latest = at(times.latestMinutes);
    const rec = s.recorded.get(cp);
    const common = { checkpoint: cp, label: `T+${cp}`, nominal: toRfc3339(at(times.minutes)), earliest: toRfc3339(earliest), latest: toRfc3339(latest) };
    if (rec && 'problem' in rec) return { ...common, state: 'unreadable', verdict: null, verdict_at: null, outside_window: false, problem: rec.problem };
    const windowState: CheckpointState = s.now < earliest ? 'upcoming' : s.now <= latest ? 'open' : 'missed';
    if (rec && settles(rec.verdict)) {
      return { ...common, state: 'done', verdict: rec.verdict, verdict_at: toRfc3339(rec.at), outside_window: rec.at < earliest || rec.at > latest };
    }
    return { ...common, state: windowState, verdict: rec?.verdict ?? null, verdict_at: rec ? toRfc3339(rec.at) : null, outside_window: false };
  });
  const missed = checkpoints.filter((c) => c.state === 'missed').map((c) => c.checkpoint);
  const status = (state: RolloutState, message: string, next: string | null, due: DueCheckpoint | null = null): RolloutStatus => ({
    ...base,
    t0: toRfc3339(t0),
    elapsed_minutes: Math.floor((s.now - t0) / 60),
    state,
    checkpoints,
    due,
    missed,
    message,
    next_command: next,
  });

  const unreadable = checkpoints.find((c) => c.state === 'unreadable');
  if (unreadable) return status('blocked', `The ${unreadable.label} verdict in the evidence folder can't be trusted (${unreadable.problem}): nothing is decided on it.`, `slogate evidence verify ${s.evidenceDir}`);
  const rollback = checkpoints.find((c) => c.verdict === 'rollback' || (c.verdict === 'marginal' && c.checkpoint === phase.finalCheckpoint));
  if (rollback) {
    return status('rolled-back', `The ${rollback.label} verdict was ${rollback.verdict}: roll the canary back, then verify the traffic stopped.`, `slogate rollback verify --prometheus "$PROMETHEUS_URL" --evidence ${s.evidenceDir}`);
  }
  const final = checkpoints.find((c) => c.checkpoint === phase.finalCheckpoint)!;
  if (final.verdict === 'promote') {
    const next = phaseOf(rb, phase.next ?? -1);
    const nextDir = next ? `${s.evidenceDir.replace(/\/phase\d+\/?$/, '')}/phase${rb.phases.indexOf(next) + 1}` : s.evidenceDir;
    return status(
      'phase-complete',
      `${phaseName(phase)} is complete: ${final.label} promoted${next ? ` to ${next.phase}%` : ''}.`,
      next ? (next.checkpoints.length ? `slogate preflight --prometheus "$PROMETHEUS_URL" --alertmanager "$ALERTMANAGER_URL" --grafana "$GRAFANA_URL" --phase ${next.phase} --evidence ${nextDir} --start-now` : 'slogate slo status --prometheus "$PROMETHEUS_URL"') : null,
    );
  }
  if (final.state === 'missed') {
    return status('blocked', `The ${final.label} window closed at ${hhmm(Date.parse(final.latest) / 1000)} UTC without a verdict: this phase can't be promoted on time. Take the gate now and record the deviation, or roll back.`, gateCommand(s, final.checkpoint));
  }
  const pending = checkpoints.find((c) => c.state === 'open' || c.state === 'upcoming')!;
  const opens = Date.parse(pending.earliest) / 1000;
  const closes = Date.parse(pending.latest) / 1000;
  const due: DueCheckpoint = { checkpoint: pending.checkpoint, open: pending.state === 'open', opens_at: pending.earliest, closes_at: pending.latest, opens_in_seconds: opens - s.now, closes_in_seconds: closes - s.now };
  const missedNote = missed.length ? ` Missed: ${missed.map((m) => `T+${m}`).join(', ')}.` : '';
  const again = pending.verdict === 'inconclusive' ? ' (the last gate was inconclusive: run it again)' : '';
  const message =
    pending.state === 'open'
      ? `${pending.label} checkpoint is open now${again}, closes at ${hhmm(closes)} UTC (in ${humanDuration(closes - s.now)}).${missedNote}`
      : `${pending.label} checkpoint opens in ${humanDuration(opens - s.now)} (${hhmm(opens)} UTC), closes at ${hhmm(closes)} UTC.${missedNote}`;
  return status('in-progress', message, gateCommand(s, pending.checkpoint), due);
}

/** Exit code of `canary status`: 1 when someone must act (missed, rolled back, blocked), else 0. */
export function statusNeedsAction(r: RolloutStatus): boolean {
  return r.state === 'rolled-back' || r.state === 'blocked' || r.missed.length > 0;
}
