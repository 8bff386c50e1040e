// Every SLO slogate generates rules, specs and dashboard rows for.
import { availability } from './slo-availability.ts';
import { latency } from './slo-latency.ts';
import type { SloDef } from '../../src/slo/types.ts';

export const slos: readonly SloDef[] = [availability, latency];
export { availability, latency };
