// The report's next step against the runbook's text, for every phase, checkpoint and
// verdict. Expected strings are copied from the runbook (seed 000), not from slo/canary.ts.
import { describe, expect, it } from 'vitest';
import { nextStep } from '../../src/report/next-step.ts';
import { runbook as flagship } from '../../runbooks/webhook-delivery/index.ts';

const text = (s: ReturnType<typeof nextStep>) => [s.headline, ...s.actions, ...s.commands, ...s.messages.map((m) => `${m.channel}: ${m.text}`)].join('\n');

describe('next step per phase, checkpoint and verdict', () => {
  it('promotes 5% -> 25% only at T+24h: instances 006-025, 50 QPS / burst 100 / 500 in flight, the Phase 1 COMPLETE message', () => {
    const s = text(nextStep(flagship, 'promote', 5, '24h'));
    expect(s).toContain('webhook-sender-006 to webhook-sender-025');
    expect(s).toContain('for i in {6..25}; do');
    expect(s).toMatch(/WEBHOOK_RATE_LIMIT_QPS=50 \\\n {2}WEBHOOK_RATE_LIMIT_BURST=100 \\\n {2}WEBHOOK_MAX_INFLIGHT=500/);
    expect(s).toContain('#platform-ops: ✅ Phase 1 (5%) COMPLETE - promoting to Phase 2 (25%)');
    expect(s).toContain('phase2_start_time.txt');
  });

  it('promotes 25% -> 100% only at T+48h, with Phase 3 prerequisites and 200/400/2000', () => {
    const s = text(nextStep(flagship, 'promote', 25, '48h'));
    expect(s).toContain('WEBHOOK_RATE_LIMIT_QPS=200');
    expect(s).toContain('WEBHOOK_RATE_LIMIT_BURST=400');
    expect(s).toContain('WEBHOOK_MAX_INFLIGHT=2000');
    expect(s).toContain('post-canary retrospective completed');
    expect(s).toContain('daily monitoring');
  });

  it.each([
    [5, '30m'],
    [5, '2h'],
    [25, '2h'],
    [25, '24h'],
  ] as const)('a promote verdict at intermediate %i%% T+%s does not promote', (phase, cp) => {
    const s = text(nextStep(flagship, 'promote', phase, cp));
    expect(s).toMatch(/^Do not promote/);
    expect(s).not.toContain('COMPLETE - promoting');
    expect(s).not.toContain('NOTIFICATIONS_WEBHOOK_ENABLED=True');
  });

  it.each([
    [5, '30m', 'T+2h'],
    [5, '2h', 'T+24h'],
    [25, '2h', 'T+24h'],
    [25, '24h', 'T+48h'],
  ] as const)('continue at %i%% T+%s goes on to %s with the PASS message', (phase, cp, after) => {
    const s = text(nextStep(flagship, 'continue', phase, cp));
    expect(s).toContain(`Continue to ${after}.`);
    expect(s).toContain(`#platform-ops: ✅ T+${cp} checkpoint PASS - continuing`);
  });

  it.each([
    [5, '30m', 10, 20, 100],
    [5, '2h', 10, 20, 100],
    [25, '2h', 50, 100, 500],
    [25, '24h', 50, 100, 500],
  ] as const)('marginal at %i%% T+%s applies the guardrails: %i QPS, burst %i, %i in flight', (phase, cp, qps, burst, inflight) => {
    const s = text(nextStep(flagship, 'marginal', phase, cp));
    expect(s).toContain(`WEBHOOK_RATE_LIMIT_QPS=${qps} \\`);
    expect(s).toContain(`WEBHOOK_RATE_LIMIT_BURST=${burst} \\`);
    expect(s).toContain(`WEBHOOK_MAX_INFLIGHT=${inflight} \\`);
    expect(s).toContain('WEBHOOK_BACKPRESSURE_SLEEP_MS=100');
    expect(s).toContain(`#platform-ops: ⚠️ T+${cp} checkpoint MARGINAL - guardrails applied`);
  });

  it.each([
    [5, '24h', 'Phase 1 (5%)'],
    [25, '48h', 'Phase 2 (25%)'],
  ] as const)('marginal or continue at the final checkpoint (%i%% T+%s) never promotes; marginal rolls back (PROMOTE=false)', (phase, cp, name) => {
    const m = text(nextStep(flagship, 'marginal', phase, cp));
    expect(m).toContain('PROMOTION BLOCKED');
    expect(m).toContain(`#platform-ops: ❌ ${name} FAILED - rolling back to 0%`);
    const c = text(nextStep(flagship, 'continue', phase, cp));
    expect(c).not.toContain('promoting');
    expect(c).toContain(`Hold at ${phase}%`);
  });

  it.each([
    [5, '30m', '❌ T+30m checkpoint FAIL - rolling back'],
    [5, '2h', '❌ T+2h checkpoint FAIL - rolling back'],
    [5, '24h', '❌ Phase 1 (5%) FAILED - rolling back to 0%'],
    [25, '2h', '❌ T+2h checkpoint FAIL - rolling back'],
    [25, '24h', '❌ T+24h checkpoint FAIL - rolling back'],
    [25, '48h', '❌ Phase 2 (25%) FAILED - rolling back to 0%'],
  ] as const)("rollback at %i%% T+%s: the runbook's 15-minute procedure over {1..25} and '%s'", (phase, cp, msg) => {
    const s = text(nextStep(flagship, 'rollback', phase, cp));
    // was: `echo … >> evidence/canary/rollback_log.txt`, which broke `evidence verify`; now the sealed journal
    expect(s).toContain('slogate evidence log --dir evidence/canary "ROLLBACK INITIATED"');
    expect(s).toContain('slogate evidence log --dir evidence/canary "ROLLBACK COMPLETE"');
    expect(s).not.toContain('>> evidence/canary/rollback_log.txt');
    expect(s).toContain('for i in {1..25}; do');
    expect(s).toContain('kubectl set env deployment/$instance NOTIFICATIONS_WEBHOOK_ENABLED=False');
    expect(s).toContain('kubectl rollout status deployment/$instance --timeout=60s');
    expect(s).toContain('ROLLBACK COMPLETE');
    expect(s).toContain(`#platform-ops: ${msg}`);
    expect(s).toContain('#platform-ops: ❌ Webhook canary rolled back - [link to rollback report]');
    expect(s).toContain('Webhook delivery canary halted');
    expect(s).toContain('#incidents');
  });

  it('rollback commands use the folder the report was given (was: evidence/canary whatever was passed)', () => {
    const s = text(nextStep(flagship, 'rollback', 5, '2h', 'ev/my canary'));
    expect(s).toContain(`slogate evidence log --dir 'ev/my canary' "ROLLBACK INITIATED"`);
    expect(s).toContain(`--evidence 'ev/my canary'`);
    expect(s).not.toContain('evidence/canary');
    const p = text(nextStep(flagship, 'promote', 5, '24h', 'ev/c5'));
    expect(p).toContain('ev/c5/phase2_start_time.txt');
    expect(p).not.toContain('evidence/canary');
  });

  it('inconclusive holds at the phase and never promotes', () => {
    for (const [phase, cp] of [[5, '30m'], [5, '24h'], [25, '48h']] as const) {
      const s = text(nextStep(flagship, 'inconclusive', phase, cp));
      expect(s).toContain(`Hold at ${phase}%`);
      expect(s).not.toContain('promoting');
    }
  });
});
