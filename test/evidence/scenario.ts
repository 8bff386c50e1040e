// A 24h canary history for the evidence tests: an hour with a success-rate dip, an hour
// with slow deliveries, two circuit breaker opens, our alerts (one critical, one
// warning, one only pending) and another team's, plus the retry histogram the gate
// harness does not write. Shared by the evidence and report tests.
import { canaryAlertGroup } from '../../runbooks/webhook-delivery/alerts.ts';
import { ATTEMPT_BUCKETS, CANARY_TRACK, SCRAPE_JOB, metrics } from '../../src/contract/metrics.ts';
import { instanceNames, latency, scenarioSamples, type MinuteTraffic, type Sample, type ScenarioHistory } from '../harness/history.ts';
import { runbook as flagship } from '../../runbooks/webhook-delivery/index.ts';

export const T0 = Date.UTC(2025, 8, 1, 6, 0, 0) / 1000;
export const PER_MINUTE = 60;
export const DIP_HOUR = 5;
export const SLOW_HOUR = 7;
export const CB_OPEN_MINUTES = [400, 900];

const critical = canaryAlertGroup.alerts.find((a) => a.severity === 'critical')!.name;
const critical2 = canaryAlertGroup.alerts.filter((a) => a.severity === 'critical')[1].name;
const warning = canaryAlertGroup.alerts.find((a) => a.severity === 'warning')!.name;
export const ALERT_NAMES = { critical, pending: critical2, warning };

export function minuteTraffic(i: number, m: number): MinuteTraffic {
  const hour = Math.floor((m - 1) / 60);
  return {
    deliveries: PER_MINUTE,
    successRatio: hour === DIP_HOUR ? 0.93 : 0.99,
    latency: hour === SLOW_HOUR ? latency.slowish : latency.fast,
    cbOpens: i === 0 && CB_OPEN_MINUTES.includes(m) ? 1 : 0,
  };
}

export const history: ScenarioHistory = {
  name: 'evidence-24h',
  t0: T0,
  minutes: 24 * 60 + 10,
  instances: instanceNames(5).map((instance, i) => ({ instance, minute: (m) => minuteTraffic(i, m) })),
  alerts: [
    { labels: { alertname: critical, alertstate: 'firing', severity: 'critical', ...flagship.ownerLabels }, from: 400, to: 412 },
    { labels: { alertname: warning, alertstate: 'firing', severity: 'warning', ...flagship.ownerLabels }, from: 330, to: 360 },
    { labels: { alertname: critical2, alertstate: 'pending', severity: 'critical', ...flagship.ownerLabels }, from: 100, to: 103 },
    { labels: { alertname: 'PaymentsApiDown', alertstate: 'firing', severity: 'critical', team: 'payments' }, from: 500, to: 520 },
  ],
};

/** Share of deliveries per attempt count (the rest needs more than the last bucket). */
export const ATTEMPT_SHARES: Record<number, number> = { 1: 0.9, 2: 0.06, 3: 0.03 };

function* attemptSamples(): Generator<Sample> {
  for (const instance of instanceNames(5)) {
    const labels = { job: SCRAPE_JOB, track: CANARY_TRACK, instance, scenario: history.name };
    for (let m = 0; m <= history.minutes; m++) {
      const n = m * PER_MINUTE;
      let cum = 0;
      for (const b of ATTEMPT_BUCKETS) {
        cum += Math.round(n * (ATTEMPT_SHARES[b] ?? 0));
        yield { name: `${metrics.deliveryAttempts.name}_bucket`, labels: { ...labels, le: String(b) }, t: T0 + m * 60, value: cum };
      }
      yield { name: `${metrics.deliveryAttempts.name}_bucket`, labels: { ...labels, le: '+Inf' }, t: T0 + m * 60, value: n };
    }
  }
}

export function* evidenceSamples(): Generator<Sample> {
  yield* scenarioSamples(history);
  yield* attemptSamples();
}

/** Raw PII the test logs carry; none of it may appear in the evidence or reports. */
export const RAW_PII = ['jane.doe@example.com', '81.2.69.160', '4111 1111 1111 1111', '+1 415 555 2671', 'jdoe_secret42'];

export const LOG_TEXT = [
  '2025-09-01T06:10:00Z INFO delivered webhook id=1 status=200',
  `2025-09-01T06:11:00Z WARN payload for ${RAW_PII[0]} rejected`,
  `2025-09-01T06:12:00Z INFO client ${RAW_PII[1]} retried`,
  '2025-09-01T06:13:00Z INFO delivered webhook id=2 status=200',
  `2025-09-01T06:14:00Z ERROR card ${RAW_PII[2]} in body, phone ${RAW_PII[3]}`,
  `2025-09-01T06:15:00Z DEBUG username: "${RAW_PII[4]}" logged in`,
  '',
].join('\n');

export const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
