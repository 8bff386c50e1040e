import { canaryAlertGroup } from './alerts.ts';
import type { AlertGroupDef } from '../../src/rules/alert.ts';

export const alertGroups: readonly AlertGroupDef[] = [canaryAlertGroup];
export { canaryAlertGroup };

/** Where docs/runbooks/ is published; every alert's runbook_url points below it. */
export const RUNBOOK_BASE_URL = 'https://github.com/slogate/slogate/blob/main/docs/runbooks';
