// Each command registers itself on the program. Add one line per command module.
import type { Command } from 'commander';
import { registerGenerate, registerLint } from './generate.ts';
import { registerDashboards } from './dashboards.ts';
import { registerSimulate } from './simulate.ts';
import { registerGate } from './gate.ts';
import { registerMetrics } from './metrics.ts';
import { registerPiiScan } from './pii-scan.ts';
import { registerEvidence } from './evidence.ts';
import { registerReport } from './report.ts';

export type CommandRegistrar = (program: Command) => void;

export const commands: CommandRegistrar[] = [registerGenerate, registerLint, registerDashboards, registerSimulate, registerGate, registerMetrics, registerPiiScan, registerEvidence, registerReport];
