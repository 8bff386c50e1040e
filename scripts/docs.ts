// Writes the reference docs rendered from the flagship runbook (npm run docs).
import { readFile, writeFile } from 'node:fs/promises';
import { renderAlertsDoc, renderMetricsDoc } from '../src/docs/reference.ts';
import { DASHBOARDS_DOC, renderDashboardsDoc } from '../src/dashboards/docs.ts';
import { runbook } from '../runbooks/webhook-delivery/index.ts';
import { withPolicySection } from '../src/pii/policy-doc.ts';

await writeFile('docs/alerts.md', renderAlertsDoc(runbook));
await writeFile('docs/metrics.md', renderMetricsDoc(runbook));
await writeFile(DASHBOARDS_DOC, renderDashboardsDoc(runbook));
if (runbook.pii) await writeFile('docs/pii.md', withPolicySection(await readFile('docs/pii.md', 'utf8'), runbook.pii));
console.log(`wrote docs/alerts.md, docs/metrics.md, ${DASHBOARDS_DOC}, docs/pii.md (policy section)`);
