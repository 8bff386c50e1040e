// Writes the reference docs rendered from the flagship runbook (npm run docs).
import { writeFile } from 'node:fs/promises';
import { renderAlertsDoc, renderMetricsDoc } from '../src/docs/reference.ts';
import { DASHBOARDS_DOC, renderDashboardsDoc } from '../src/dashboards/docs.ts';
import { runbook } from '../runbooks/webhook-delivery/index.ts';

await writeFile('docs/alerts.md', renderAlertsDoc(runbook));
await writeFile('docs/metrics.md', renderMetricsDoc(runbook));
await writeFile(DASHBOARDS_DOC, renderDashboardsDoc(runbook));
console.log(`wrote docs/alerts.md, docs/metrics.md, ${DASHBOARDS_DOC}`);
