// Faults the simulator can inject into a fleet of stable and canary instances: one in a
// dependency every track shares (the receivers' database), or one in the canary's own
// build. Each fault says which tracks it reaches; every instance decides for itself. Like
// the presets, the numbers are the service's own and sit well clear of the flagship
// runbook's thresholds (success 95/90%, p95 2/5 s).
import { CANARY_TRACK } from '../contract/metrics.ts';
import type { Scenario } from './scenario.ts';

export type FaultScope = 'shared' | 'canary';

export interface Fault {
  /** 'shared': every track; 'canary': only the canary track. */
  scope: FaultScope;
  doc: string;
  patch: Partial<Scenario>;
}

export const FAULT_NAMES = ['receiver-db-down', 'canary-regression', 'canary-slow'] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

export const faults: Readonly<Record<FaultName, Fault>> = {
  'receiver-db-down': {
    scope: 'shared',
    doc: 'the receivers share a database that is down: every track fails and slows alike',
    patch: { successRate: 0.7, retryRate: 0.3, latencyP50Ms: 300, latencyP95Ms: 1500 },
  },
  'canary-regression': {
    scope: 'canary',
    doc: 'a bug in the canary build: only the canary fails, below the rollback threshold',
    patch: { successRate: 0.75, retryRate: 0.2 },
  },
  'canary-slow': {
    scope: 'canary',
    doc: 'the canary build is slower, yet under the absolute p95 target: only a comparison with the baseline sees it',
    patch: { latencyP50Ms: 600, latencyP95Ms: 1600 },
  },
};

export function isFaultName(s: string): s is FaultName {
  return (FAULT_NAMES as readonly string[]).includes(s);
}

/** Whether a fault reaches an instance on `track`. */
export function faultReaches(fault: Fault, track: string): boolean {
  return fault.scope === 'shared' || track === CANARY_TRACK;
}
