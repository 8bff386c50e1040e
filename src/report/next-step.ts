// What the runbook says to do after a verdict, for the phase it was taken in: instance
// names, rate-limit settings and the messages to post. Data from slo/canary.ts only.
import { CHECKPOINT_MINUTES, INSTANCE_NAME_PATTERN, canaryChannels, canaryPhases, type CanaryPhase, type CheckpointName } from '../../slo/canary.ts';
import type { Verdict } from '../evidence/verdict.ts';

export interface NextStep {
  headline: string;
  actions: string[];
  commands: string[];
  messages: { channel: string; text: string }[];
}

export function instanceName(n: number): string {
  return INSTANCE_NAME_PATTERN.replace(/%0(\d)d/, (_, w: string) => String(n).padStart(Number(w), '0'));
}

const range = (from: number, to: number) => `${instanceName(from)} to ${instanceName(to)}`;
const phaseNumber = (p: CanaryPhase) => canaryPhases.indexOf(p) + 1;
const phaseName = (p: CanaryPhase) => `Phase ${phaseNumber(p)} (${p.phase}%)`;

function rateLimitCommand(p: CanaryPhase, extra: string[] = []): string {
  return [
    'kubectl set env deployment/webhook-sender-* \\',
    `  WEBHOOK_RATE_LIMIT_QPS=${p.rateLimit.qps} \\`,
    `  WEBHOOK_RATE_LIMIT_BURST=${p.rateLimit.burst} \\`,
    `  WEBHOOK_MAX_INFLIGHT=${p.rateLimit.maxInflight}${extra.length ? ' \\' : ''}`,
    ...extra.map((e, i) => `  ${e}${i < extra.length - 1 ? ' \\' : ''}`),
  ].join('\n');
}

function nextCheckpoint(p: CanaryPhase, cp: CheckpointName): CheckpointName | null {
  return p.checkpoints.find((c) => CHECKPOINT_MINUTES[c] > CHECKPOINT_MINUTES[cp]) ?? null;
}

export function nextStep(verdict: Verdict, phasePercent: number, cp: CheckpointName): NextStep {
  const phase = canaryPhases.find((p) => p.phase === phasePercent);
  if (!phase) return { headline: `Phase ${phasePercent}% is not a canary phase: no runbook step applies.`, actions: [], commands: [], messages: [] };
  const label = `T+${cp}`;
  const ops = canaryChannels.ops;
  const after = nextCheckpoint(phase, cp);
  switch (verdict) {
    case 'promote': {
      const next = canaryPhases.find((p) => p.phase === phase.next)!;
      const from = phase.instances.to + 1;
      return {
        headline: `Promote: proceed to ${phaseName(next)} traffic.`,
        actions: [
          `Generate a new webhook secret for the ${next.phase}% slice.`,
          `Enable ${next.instances.to - phase.instances.to} additional instances: ${range(from, next.instances.to)}.`,
          `Set the ${next.phase}% rate limits: ${next.rateLimit.qps} QPS, burst ${next.rateLimit.burst}, ${next.rateLimit.maxInflight} in flight.`,
          next.checkpoints.length
            ? `Record the new start time and schedule the ${next.checkpoints.map((c) => `T+${c}`).join(', ')} checkpoints of ${phaseName(next)}.`
            : 'Move to daily monitoring: no more canary checkpoints.',
        ],
        commands: [
          [
            `for i in {${from}..${next.instances.to}}; do`,
            `  instance=$(printf "${INSTANCE_NAME_PATTERN}" $i)`,
            '  kubectl set env deployment/$instance NOTIFICATIONS_WEBHOOK_ENABLED=True WEBHOOK_SECRET="$NEW_SECRET"',
            '  kubectl rollout status deployment/$instance',
            'done',
          ].join('\n'),
          rateLimitCommand(next),
        ],
        messages: [{ channel: ops, text: `✅ ${phaseName(phase)} COMPLETE - promoting to ${phaseName(next)}` }],
      };
    }
    case 'continue':
      return {
        headline: after ? `Continue to T+${after}.` : `Hold at ${phase.phase}%.`,
        actions: ['No action required.', ...(after ? [`Run the T+${after} gate at its checkpoint.`] : [])],
        commands: [],
        messages: [{ channel: ops, text: `✅ ${label} checkpoint PASS - continuing` }],
      };
    case 'marginal':
      return {
        headline: `Marginal: apply the guardrails now and continue${after ? ` to T+${after}` : ''} with increased monitoring.`,
        actions: [
          `Apply the sender rate smoothing for ${phase.phase}%: ${phase.rateLimit.qps} QPS, burst ${phase.rateLimit.burst}, ${phase.rateLimit.maxInflight} in flight.`,
          'Check the receiver DB pool (PgBouncer pool_mode=transaction, statement_timeout=5s).',
          ...(after ? [`Run the T+${after} gate at its checkpoint.`] : []),
        ],
        commands: [rateLimitCommand(phase, ['WEBHOOK_BACKPRESSURE_SLEEP_MS=100'])],
        messages: [{ channel: ops, text: `⚠️ ${label} checkpoint MARGINAL - guardrails applied` }],
      };
    case 'rollback': {
      const final = phase.finalCheckpoint === cp;
      return {
        headline: `Roll back ${phaseName(phase)} to 0% now (rollback procedure, 15 minutes).`,
        actions: [
          `Disable the feature flag on ${range(phase.instances.from, phase.instances.to)}.`,
          'Verify the rollout and that webhook traffic stops (rate of deliveries near 0).',
          'Generate the rollback report: slogate report --kind rollback.',
          `Open an incident in ${canaryChannels.incidents} (a rollback is SEV2) and schedule the post-mortem.`,
          'Block future canaries until the RCA is complete.',
        ],
        commands: [
          [
            `for i in {${phase.instances.from}..${phase.instances.to}}; do`,
            `  instance=$(printf "${INSTANCE_NAME_PATTERN}" $i)`,
            '  kubectl set env deployment/$instance NOTIFICATIONS_WEBHOOK_ENABLED=False',
            'done',
          ].join('\n'),
        ],
        messages: [
          { channel: ops, text: final ? `❌ ${phaseName(phase)} FAILED - rolling back to 0%` : `❌ ${label} checkpoint FAIL - rolling back` },
        ],
      };
    }
    case 'inconclusive':
      return {
        headline: `Inconclusive: do not promote. Hold at ${phase.phase}% and collect the missing evidence.`,
        actions: ['Fix what the reasons above name (metrics, logs, traffic), then run the gate again.', 'Escalate to the tech lead if the evidence cannot be collected.'],
        commands: [],
        messages: [{ channel: ops, text: `⏸️ ${label} checkpoint INCONCLUSIVE - evidence missing, holding at ${phase.phase}%` }],
      };
  }
}
