// The project's definitions, gathered from alerts/ and slo/.
import { alertGroups, RUNBOOK_BASE_URL } from '../../alerts/index.ts';
import { slos } from '../../slo/index.ts';
import { burnPolicy } from '../../slo/policy.ts';
import type { Definitions } from './artefacts.ts';

export const projectDefinitions: Definitions = {
  alertGroups,
  slos,
  burnPolicy,
  runbookBaseUrl: RUNBOOK_BASE_URL,
};
