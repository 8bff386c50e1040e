// docs/alerts.md and docs/metrics.md are rendered from the definitions; they must be current.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../harness/cli.ts';
import { renderAlertsDoc, renderMetricsDoc } from '../../src/docs/reference.ts';
import { runbook as projectDefinitions } from '../../runbooks/webhook-delivery/index.ts';
import { allAlertGroups, metrics } from '../../src/index.ts';

describe('reference docs', () => {
  it('docs/alerts.md is current (run `npm run docs`)', () => {
    expect(readFileSync(join(ROOT, 'docs/alerts.md'), 'utf8')).toBe(renderAlertsDoc(projectDefinitions));
  });

  it('docs/metrics.md is current and lists every contract metric', () => {
    const text = readFileSync(join(ROOT, 'docs/metrics.md'), 'utf8');
    expect(text).toBe(renderMetricsDoc(projectDefinitions));
    for (const m of Object.values(metrics)) expect(text).toContain(`\`${m.name}\``);
  });

  it('every alert has a runbook that links back to the rollback procedure', () => {
    // the hand-written groups and every SLO's page and ticket alerts
    for (const g of allAlertGroups(projectDefinitions)) {
      for (const a of g.alerts) {
        const f = join(ROOT, 'docs/runbooks', `${a.name}.md`);
        expect(existsSync(f), f).toBe(true);
        const text = readFileSync(f, 'utf8');
        expect(text).toMatch(/## First three checks\n\n1\. .+\n2\. .+\n3\. .+/);
        expect(text).toContain('rollout-guide.md#rollback-procedure');
      }
    }
  });
});
