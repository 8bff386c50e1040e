// The scanner's own metric, `pii_scan_leak_lines{category}`, for whoever runs the scan
// on a schedule and lets Prometheus scrape (or a Pushgateway receive) the result.
import { Gauge, Registry } from 'prom-client';
import { metrics, PII_CATEGORIES, type PiiCategory } from '../contract/metrics.ts';

export class PiiScanMetrics {
  readonly registry = new Registry();
  private readonly leakLines: Gauge<string>;

  constructor(defaultLabels: Record<string, string> = {}) {
    this.registry.setDefaultLabels(defaultLabels);
    const def = metrics.piiLeakLines;
    this.leakLines = new Gauge({ name: def.name, help: def.help, labelNames: [...def.labels], registers: [this.registry] });
    this.publish({});
  }

  /** Sets every category from the last scan; categories the scan did not report are 0, never stale. */
  publish(byCategory: Partial<Record<PiiCategory, number>>): void {
    for (const category of PII_CATEGORIES) this.leakLines.set({ category }, byCategory[category] ?? 0);
  }

  exposition(): Promise<string> {
    return this.registry.metrics();
  }
}
