// Every artefact source of `slogate generate`, as an explicit list: rules and SLOs first,
// then dashboards. A new kind of generated file adds its source here.
import type { ArtefactSource } from './types.ts';
import { ruleAndSloSource } from './rules-source.ts';
import { dashboardSource } from '../dashboards/source.ts';

export const ARTEFACT_SOURCES: readonly ArtefactSource[] = [ruleAndSloSource, dashboardSource];
