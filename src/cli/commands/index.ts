// Every command, by name, loaded only when it runs: start-up (and the PII scanner's
// memory) then pays for one command's modules, not all of them.
import type { Command } from 'commander';

export type CommandRegistrar = (program: Command) => void;

type Loader = () => Promise<CommandRegistrar>;

export const commandLoaders: Readonly<Record<string, Loader>> = {
  generate: async () => (await import('./generate.ts')).registerGenerate,
  lint: async () => (await import('./generate.ts')).registerLint,
  dashboards: async () => (await import('./dashboards.ts')).registerDashboards,
  simulate: async () => (await import('./simulate.ts')).registerSimulate,
  gate: async () => (await import('./gate.ts')).registerGate,
  metrics: async () => (await import('./metrics.ts')).registerMetrics,
  'pii-scan': async () => (await import('./pii-scan.ts')).registerPiiScan,
  evidence: async () => (await import('./evidence.ts')).registerEvidence,
  report: async () => (await import('./report.ts')).registerReport,
  replay: async () => (await import('./replay.ts')).registerReplay,
  backtest: async () => (await import('./backtest.ts')).registerBacktest,
  init: async () => (await import('./init.ts')).registerInit,
  preflight: async () => (await import('./preflight.ts')).registerPreflight,
  canary: async () => (await import('./canary.ts')).registerCanary,
  rollback: async () => (await import('./rollback.ts')).registerRollback,
  slo: async () => (await import('./slo.ts')).registerSlo,
};

/** The registrars needed for these arguments: one command's, or all of them for help and typos. */
export async function commandsFor(args: readonly string[]): Promise<CommandRegistrar[]> {
  const first = args.find((a) => !a.startsWith('-'));
  const only = first !== undefined && first !== 'help' ? commandLoaders[first] : undefined;
  if (only) return [await only()];
  return Promise.all(Object.values(commandLoaders).map((load) => load()));
}
