import { canaryAlertGroup } from './alerts.ts';
import { serviceAlertGroup } from './webhook-service.ts';
import type { AlertGroupDef } from '../../src/rules/alert.ts';

export const alertGroups: readonly AlertGroupDef[] = [canaryAlertGroup, serviceAlertGroup];
export { canaryAlertGroup, serviceAlertGroup };

/**
 * Where slogate's own docs/runbooks/ is published; every alert's runbook_url points below it.
 * A runbook of your own may leave `runbookBaseUrl` out: it then defaults to your package.json
 * `repository` (`<repo>/blob/HEAD/docs/runbooks`), see docs/generate.md.
 */
export const RUNBOOK_BASE_URL = 'https://github.com/slogate/slogate/blob/main/docs/runbooks';
