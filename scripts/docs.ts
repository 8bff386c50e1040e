// Writes the reference docs rendered from the definitions (npm run docs).
import { writeFile } from 'node:fs/promises';
import { renderAlertsDoc, renderMetricsDoc } from '../src/docs/reference.ts';
import { DASHBOARDS_DOC, renderDashboardsDoc } from '../src/dashboards/docs.ts';
import { projectDefinitions } from '../src/generate/definitions.ts';

await writeFile('docs/alerts.md', renderAlertsDoc(projectDefinitions));
await writeFile('docs/metrics.md', renderMetricsDoc());
await writeFile(DASHBOARDS_DOC, renderDashboardsDoc(projectDefinitions));
console.log(`wrote docs/alerts.md, docs/metrics.md, ${DASHBOARDS_DOC}`);
