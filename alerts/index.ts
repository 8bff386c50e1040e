import { canaryAlertGroup } from './webhook-canary.ts';
import type { AlertGroupDef } from '../src/rules/alert.ts';

export const alertGroups: readonly AlertGroupDef[] = [canaryAlertGroup];
export { canaryAlertGroup };
