// What the runbook says to do after a verdict, for the phase it was taken in: instance
// names, rate-limit settings and the messages to post. Data from the runbook only.
import { instanceName, type CanaryPhase, type CheckpointName, type Runbook } from '../contract/runbook.ts';
import type { Verdict } from '../evidence/verdict.ts';

export interface NextStep {
  headline: string;
  actions: string[];
  commands: string[];
  messages: { channel: string; text: string }[];
}

/** The runbook's rollback loop covers every canary instance ({1..25}), whatever the phase. */
export const rollbackTo = (rb: Runbook): number => Math.max(...rb.phases.filter((p) => p.finalCheckpoint).map((p) => p.instances.to));

/** A folder as a shell word: plain paths as they are, anything else single-quoted. */
export const shellWord = (s: string) => (/^[\w./@%+=:,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The runbook's evidence folder, when the report was not given one. */
export const DEFAULT_EVIDENCE_DIR = 'evidence/canary';

export function nextStep(rb: Runbook, verdict: Verdict, phasePercent: number, cp: CheckpointName, evidenceDir: string = DEFAULT_EVIDENCE_DIR): NextStep {
  // every command printed uses the folder the report was given
  const dir = evidenceDir.replace(/\/+$/, '') || '.';
  const canaryPhases = rb.phases;
  const canaryChannels = rb.channels;
  const INSTANCE_NAME_PATTERN = rb.service.instancePattern;
  const ROLLBACK_TO = rollbackTo(rb);
  const name = (n: number) => instanceName(INSTANCE_NAME_PATTERN, n);
  const range = (from: number, to: number) => `${name(from)} to ${name(to)}`;
  const phaseNumber = (p: CanaryPhase) => canaryPhases.indexOf(p) + 1;
  const phaseName = (p: CanaryPhase) => `Phase ${phaseNumber(p)} (${p.phase}%)`;
  const minutes = (c: CheckpointName) => rb.checkpoints[c]?.minutes ?? 0;

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
  return p.checkpoints.find((c) => minutes(c) > minutes(cp)) ?? null;
}

function promote(phase: CanaryPhase): NextStep {
  const next = canaryPhases.find((p) => p.phase === phase.next)!;
  const from = phase.instances.to + 1;
  const n = phaseNumber(next);
  const prerequisites = next.checkpoints.length
    ? []
    : [
        `Prerequisites (runbook, Phase ${n} setup): ${phaseName(phase)} completed with all gates green for the full ${phase.durationHours}h; no rollbacks in any earlier phase; post-canary retrospective completed; runbook updated with lessons learned.`,
      ];
  return {
    headline: `Promote: proceed to ${phaseName(next)} traffic.`,
    actions: [
      ...prerequisites,
      `Generate a new webhook secret for the ${next.phase}% slice (keep it out of the evidence folder).`,
      `Enable ${next.instances.to - phase.instances.to} additional instances: ${range(from, next.instances.to)}.`,
      `Set the ${next.phase}% rate limits: ${next.rateLimit.qps} QPS, burst ${next.rateLimit.burst}, ${next.rateLimit.maxInflight} in flight.`,
      next.checkpoints.length
        ? `Record the Phase ${n} start time and schedule the ${next.checkpoints.map((c) => `T+${c}`).join(', ')} checkpoints of ${phaseName(next)} (evidence in ${dir}/phase${n}/).`
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
      ...(next.checkpoints.length
        ? [`date -u +"%Y-%m-%dT%H:%M:%SZ" > ${shellWord(`${dir}/phase${n}_start_time.txt`)}\nmkdir -p ${shellWord(`${dir}/phase${n}`)}/{hourly,6h,grafana,db,alerts,pii}`]
        : []),
    ],
    messages: [{ channel: canaryChannels.ops, text: `✅ ${phaseName(phase)} COMPLETE - promoting to ${phaseName(next)}` }],
  };
}

function rollback(phase: CanaryPhase, cp: CheckpointName, why?: string): NextStep {
    // the journal: `evidence log` appends and seals each entry, so the folder still verifies
    const log = (msg: string) => `slogate evidence log --dir ${shellWord(dir)} "${msg}"`;
  const final = phase.finalCheckpoint === cp;
  const ops = canaryChannels.ops;
  const loop = (body: string) => [`for i in {1..${ROLLBACK_TO}}; do`, `  instance=$(printf "${INSTANCE_NAME_PATTERN}" $i)`, `  ${body}`, 'done'].join('\n');
  return {
    headline: `${why ? `${why} ` : ''}Roll back ${phaseName(phase)} to 0% now (rollback procedure, 15 minutes).`,
    actions: [
      `Step 1: record ROLLBACK INITIATED in the journal ${dir}/rollback_log.txt (${log('ROLLBACK INITIATED')}) and disable the feature flag on ${range(1, ROLLBACK_TO)} (the ${phase.phase}% canary runs on ${range(phase.instances.from, phase.instances.to)}).`,
      'Step 2: verify the rollout of every instance.',
      'Step 3: after 5 minutes of draining, verify webhook traffic stops (delivery rate near 0).',
      `Step 4: generate the rollback report: slogate report --kind rollback --evidence ${shellWord(dir)} --rollback-time <time> --output reports/canary_ROLLBACK.md.`,
      `Step 5: record ROLLBACK COMPLETE (${log('ROLLBACK COMPLETE')}); within 1 hour post in ${ops}, update the status page ("Webhook delivery canary halted") and notify stakeholders (PM, Tech Lead, On-call Manager).`,
      `Open an incident in ${canaryChannels.incidents} (a rollback is SEV2); within 4 hours draft the post-mortem (slogate report --kind postmortem) and schedule the meeting.`,
      'Block future canaries until the RCA is complete.',
    ],
    commands: [
      `${log('ROLLBACK INITIATED')}\n${loop('kubectl set env deployment/$instance NOTIFICATIONS_WEBHOOK_ENABLED=False')}`,
      loop('kubectl rollout status deployment/$instance --timeout=60s'),
      log('ROLLBACK COMPLETE'),
    ],
    messages: [
      { channel: ops, text: final ? `❌ ${phaseName(phase)} FAILED - rolling back to 0%` : `❌ T+${cp} checkpoint FAIL - rolling back` },
      { channel: ops, text: '❌ Webhook canary rolled back - [link to rollback report]' },
    ],
  };
}

function hold(phase: CanaryPhase, cp: CheckpointName, headline: string): NextStep {
  return {
    headline,
    actions: ['Do not promote: a promotion needs the gate\'s promote verdict at the final checkpoint.', 'Run the gate again on this checkpoint and check the verdict file was not edited.', 'Escalate to the tech lead.'],
    commands: [],
    messages: [{ channel: canaryChannels.ops, text: `⏸️ T+${cp} checkpoint INCONCLUSIVE - holding at ${phase.phase}%` }],
  };
}

  const phase = canaryPhases.find((p) => p.phase === phasePercent);
  if (!phase || !phase.finalCheckpoint) return { headline: `Phase ${phasePercent}% is not a canary phase: no runbook step applies.`, actions: [], commands: [], messages: [] };
  const label = `T+${cp}`;
  const ops = canaryChannels.ops;
  const after = nextCheckpoint(phase, cp);
  const final = phase.finalCheckpoint === cp;
  const finalLabel = `T+${phase.finalCheckpoint}`;
  switch (verdict) {
    case 'promote':
      // the runbook promotes only after the phase's full window; fail closed on anything else
      if (!final) return hold(phase, cp, `Do not promote: ${phaseName(phase)} promotes only at ${finalLabel}, and this verdict is for ${label}. Hold at ${phase.phase}%${after ? ` and continue to T+${after}` : ''}.`);
      return promote(phase);
    case 'continue':
      if (final || !after) return hold(phase, cp, `${label} is the final checkpoint of ${phaseName(phase)}: the runbook's decision there is promote or roll back, not continue. Hold at ${phase.phase}%.`);
      return {
        headline: `Continue to T+${after}.`,
        actions: ['No action required.', `Run the T+${after} gate at its checkpoint.`],
        commands: [],
        messages: [{ channel: ops, text: `✅ ${label} checkpoint PASS - continuing` }],
      };
    case 'marginal':
      // at the final checkpoint a missed target blocks promotion: the runbook rolls back
      if (final || !after) return rollback(phase, cp, `${label} is the final checkpoint of ${phaseName(phase)} and a gate missed its target: PROMOTION BLOCKED.`);
      return {
        headline:
          cp === phase.checkpoints[0]
            ? `Marginal: apply the guardrails now and continue to T+${after} with increased monitoring.`
            : `Marginal: re-evaluate the guardrails and continue to T+${after} with caution.`,
        actions: [
          `Apply the sender rate smoothing for ${phase.phase}%: ${phase.rateLimit.qps} QPS, burst ${phase.rateLimit.burst}, ${phase.rateLimit.maxInflight} in flight.`,
          'Check the receiver DB pool (PgBouncer pool_mode=transaction, statement_timeout=5s).',
          `Run the T+${after} gate at its checkpoint.`,
        ],
        commands: [rateLimitCommand(phase, ['WEBHOOK_BACKPRESSURE_SLEEP_MS=100'])],
        messages: [{ channel: ops, text: `⚠️ ${label} checkpoint MARGINAL - guardrails applied` }],
      };
    case 'rollback':
      return rollback(phase, cp);
    case 'inconclusive':
      return {
        headline: `Inconclusive: do not promote. Hold at ${phase.phase}% and collect the missing evidence.`,
        actions: ['Fix what the reasons above name (metrics, logs, traffic), then run the gate again.', 'Escalate to the tech lead if the evidence cannot be collected.'],
        commands: [],
        messages: [{ channel: ops, text: `⏸️ ${label} checkpoint INCONCLUSIVE - evidence missing, holding at ${phase.phase}%` }],
      };
  }
}
