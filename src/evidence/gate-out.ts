// `slogate gate --out DIR`: the gate's own result sealed into the runbook's evidence
// folder, reusing the series the gate already fetched.
import type { Runbook } from '../contract/runbook.ts';
import type { GateResult } from '../gate/run.ts';
import { summaryFromResult, verdictJson } from '../gate/output.ts';
import { PrometheusClient, authFromEnv } from '../prometheus/client.ts';
import { collectEvidence, type CollectResult } from './collect.ts';
import { grafanaTokenFromEnv } from './grafana.ts';
import type { LogSource } from '../pii/source.ts';
import type { VerdictDoc } from './verdict.ts';

export interface GateOutOptions {
  runbook: Runbook;
  prometheus: string;
  logSource?: LogSource;
  skip?: readonly string[];
  alertmanager?: string;
  grafana?: string;
  timeoutMs?: number;
  deadlineMs?: number;
}

export async function collectGateEvidence(outDir: string, result: GateResult, o: GateOutOptions): Promise<CollectResult> {
  const client = new PrometheusClient({ url: o.prometheus, auth: authFromEnv(), timeoutMs: o.timeoutMs, deadlineMs: o.deadlineMs });
  try {
    return await collectEvidence({
      runbook: o.runbook,
      outDir,
      verdict: verdictJson(result) as VerdictDoc,
      summary: summaryFromResult(result),
      series: result.baseline_series ? { ...result.series, baseline: result.baseline_series } : result.series,
      prometheus: client,
      selector: result.selector,
      alertmanagerUrl: o.alertmanager,
      grafana: o.grafana ? { url: o.grafana, token: grafanaTokenFromEnv() } : undefined,
      logSource: o.logSource,
      piiScan: result.piiResult,
      skipPii: o.skip?.includes('pii'),
    });
  } finally {
    client.close();
  }
}
