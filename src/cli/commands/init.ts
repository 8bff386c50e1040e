// `slogate init`: scaffold a runbook for a new service and point package.json at it.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors.ts';

interface InitFlags {
  service: string;
  job?: string;
  prefix?: string;
  out?: string;
  force?: boolean;
}

const NAME = /^[a-z][a-z0-9-]*$/;
const PREFIX = /^[a-z_][a-z0-9_]*$/;

/** The scaffold: one SLO, two alerts, two checkpoints, every number in one place. */
export function runbookScaffold(service: string, job: string, prefix: string): string {
  return `// The ${service} service's canary runbook for slogate. Change the numbers here; \`slogate generate\`
// writes the rules and dashboards, \`slogate gate\` decides each checkpoint from them.
import { defineRunbook, deliveries, latencyQuantile, sloOverview, successRatio, type AlertDef, type SloDef } from 'slogate/runbook';

const service = { name: '${service}', job: '${job}', canaryTrack: 'canary', instancePattern: '${job}-%02d' };
const canary = { job: service.job, track: service.canaryTrack };

/** The metric for each role the gate reads (what the service exports). */
const metrics = {
  deliveryTotal: { name: '${prefix}_requests_total', type: 'counter', help: 'Requests that reached a final outcome.', labels: [], source: 'service' },
  deliverySuccessTotal: { name: '${prefix}_requests_succeeded_total', type: 'counter', help: 'Requests that succeeded.', labels: [], source: 'service' },
  deliveryDuration: { name: '${prefix}_request_duration_seconds', type: 'histogram', help: 'Time to a final outcome.', labels: [], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], source: 'service' },
  circuitBreakerOpens: { name: '${prefix}_circuit_breaker_opens_total', type: 'counter', help: 'Circuit breaker trips.', labels: [], source: 'service' },
} as const;

const windows = { rate: '5m', seriesStepSeconds: 60, latencyQuantile: 0.95, circuitBreakerDay: '24h', warningFor: '10m' };
const gates = {
  successRate: { target: 99, critical: 95, unit: 'percent', sustainedMinutes: 5 },
  p95LatencyMs: { target: 500, critical: 2000, unit: 'ms', sustainedMinutes: 10 },
  circuitBreakerOpensPerDay: { target: 5, critical: 20, unit: 'opens/24h' },
  piiLeaks: { target: 0, critical: 0, unit: 'lines' },
  minDeliveries: 100,
  /** The logs the PII scan reads must have a line at least this often to cover the window. */
  logCoverage: { maxGapMinutes: 10, maxGapShareOfWindow: 1 / 6 },
};

const availability: SloDef = {
  name: '${service}-availability',
  displayName: '${service} availability',
  service: service.job,
  description: '99.5% of requests succeed, over a rolling 30 days.',
  objective: 99.5,
  timeWindow: '30d',
  sli: { good: { metric: metrics.deliverySuccessTotal.name }, total: { metric: metrics.deliveryTotal.name } },
  matchers: { job: service.job },
  groupBy: ['track'],
};

const alerts: AlertDef[] = [
  {
    name: '${camel(service)}CanarySuccessRateCritical',
    severity: 'critical',
    expr: \`(\${successRatio(metrics, canary, windows.rate)} < \${gates.successRate.critical / 100})\\nand\\n\${deliveries(metrics, canary, windows.rate)} > 0\`,
    for: \`\${gates.successRate.sustainedMinutes}m\`,
    summary: \`Canary success rate is below \${gates.successRate.critical}%.\`,
    description: 'Canary success rate is {{ $value | humanizePercentage }}. Roll the canary back.',
  },
  {
    name: '${camel(service)}CanaryLatencyP95High',
    severity: 'warning',
    expr: \`\${latencyQuantile(metrics, windows.latencyQuantile, canary, windows.rate)} > \${gates.p95LatencyMs.target / 1000}\`,
    for: windows.warningFor,
    summary: \`Canary p95 latency is above \${gates.p95LatencyMs.target} ms.\`,
    description: 'Canary p95 latency is {{ $value | humanizeDuration }}.',
  },
];

export default defineRunbook({
  source: '${'${RUNBOOK_DIR}'}',
  service,
  ownerLabels: { team: '${service}' },
  runbookBaseUrl: 'https://example.com/runbooks/${service}',
  channels: { ops: '#${service}-ops', incidents: '#incidents', team: '#${service}' },
  metrics,
  slos: [availability],
  // the SRE workbook's burn-rate windows for a 30-day SLO: every SLO gets a page and a ticket alert
  // from them; an SLO on another period needs a spec here (or its own alertWindows)
  burnPolicy: {
    windows: [
      {
        sloPeriod: '30d',
        page: { quick: { errorBudgetPercent: 2, longWindow: '1h', shortWindow: '5m' }, slow: { errorBudgetPercent: 5, longWindow: '6h', shortWindow: '30m' } },
        ticket: { quick: { errorBudgetPercent: 10, longWindow: '1d', shortWindow: '2h' }, slow: { errorBudgetPercent: 10, longWindow: '3d', shortWindow: '6h' } },
      },
    ],
    severity: { page: 'critical', ticket: 'warning' },
  },
  alertGroups: [{ name: '${prefix}_canary', alerts }],
  dashboards: [
    sloOverview({ uid: '${service}-slos', title: '${service} SLOs', source: '${'${RUNBOOK_DIR}'}', description: '${service} SLOs: SLI, error budget and burn rate.', tags: ['generated', 'slogate'] }),
  ],
  // no evidence dashboard: \`slogate gate --out\` draws the evidence charts as SVG
  dashboardPolicy: { justifiedWindows: {}, requiredPanels: {} },
  phases: [
    { phase: 10, durationHours: 2, checkpoints: ['30m', '2h'], finalCheckpoint: '2h', next: 100, instances: { from: 1, to: 1 }, rateLimit: { qps: 50, burst: 100, maxInflight: 200 } },
    { phase: 100, durationHours: null, checkpoints: [], finalCheckpoint: null, next: null, instances: { from: 1, to: 10 }, rateLimit: { qps: 500, burst: 1000, maxInflight: 2000 } },
  ],
  checkpoints: {
    '30m': { minutes: 30, earliestMinutes: 25, latestMinutes: 40 },
    '2h': { minutes: 120, earliestMinutes: 115, latestMinutes: 135 },
  },
  gates,
  windows,
});
`;
}

function camel(s: string): string {
  return s
    .split('-')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('scaffold a runbook for a new service (one SLO, two alerts, two checkpoints) and point package.json at it')
    .requiredOption('--service <name>', 'service name, kebab-case (e.g. orders-api)')
    .option('--job <name>', 'Prometheus scrape job of its instances (default: the service name)')
    .option('--prefix <prefix>', 'metric name prefix (default: the service name with _ for -)')
    .option('--out <path>', 'where to write the runbook (default: runbooks/<service>/index.ts)')
    .option('--force', 'overwrite an existing runbook file')
    .action(async (flags: InitFlags) => {
      if (!NAME.test(flags.service)) throw new UserError(`--service ${JSON.stringify(flags.service)} must be kebab-case: lower-case letters, digits and dashes, starting with a letter`);
      const prefix = flags.prefix ?? flags.service.replace(/-/g, '_');
      if (!PREFIX.test(prefix)) throw new UserError(`--prefix ${JSON.stringify(prefix)} is not a metric name prefix ([a-z_][a-z0-9_]*)`);
      const job = flags.job ?? flags.service;
      const file = resolve(flags.out ?? `runbooks/${flags.service}/index.ts`);
      if (existsSync(file) && !flags.force) throw new UserError(`${file} exists; give --force to overwrite it`);
      const rel = relative(process.cwd(), file).split('\\').join('/');
      const text = runbookScaffold(flags.service, job, prefix).replaceAll('${RUNBOOK_DIR}', dirname(rel) === '.' ? rel : dirname(rel));
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, text);
      process.stdout.write(`wrote ${rel}\n`);

      const pkgFile = resolve('package.json');
      if (!existsSync(pkgFile)) {
        process.stdout.write(`no package.json here: pass --runbook ${rel} to slogate generate and slogate gate\n`);
        return;
      }
      let pkg: Record<string, unknown>;
      try {
        pkg = JSON.parse(await readFile(pkgFile, 'utf8'));
      } catch (e) {
        throw new UserError(`${pkgFile}: invalid JSON: ${(e as Error).message.split('\n')[0]}`);
      }
      pkg.slogate = { ...((pkg.slogate as object) ?? {}), runbook: rel };
      await writeFile(pkgFile, JSON.stringify(pkg, null, 2) + '\n');
      process.stdout.write(`set "slogate.runbook" in package.json to ${rel}\n`);
    });
}
