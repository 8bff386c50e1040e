// The shape of a runbook: everything slogate knows about one service's rollout, as one
// typed value. The library's engines receive a Runbook and never import one; the CLI,
// tests and scripts load a runbook module (runbooks/<service>/index.ts) and pass it down.
import type { ReplayConfig } from './replay.ts';
import type { PiiPolicy } from './pii-policy.ts';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { MetricContract } from './metrics.ts';
import type { Matchers } from './selectors.ts';
import type { GateCheckPolicy } from './checks.ts';
import type { AlertGroupDef } from '../rules/alert.ts';
import type { BurnPolicy, SloDef } from '../slo/types.ts';

/** A checkpoint's name as operators say it: `30m`, `2h`, `24h`. */
export type CheckpointName = string;

export type { MetricContract };

export interface RateLimit {
  readonly qps: number;
  readonly burst: number;
  readonly maxInflight: number;
}

export interface CanaryPhase {
  /** Traffic share in percent. */
  readonly phase: number;
  readonly durationHours: number | null;
  readonly checkpoints: readonly CheckpointName[];
  /** The checkpoint whose green result promotes to `next`. */
  readonly finalCheckpoint: CheckpointName | null;
  readonly next: number | null;
  /** Instances that carry this phase's traffic (numbered as in `service.instancePattern`). */
  readonly instances: { readonly from: number; readonly to: number };
  readonly rateLimit: RateLimit;
}

/** When a checkpoint's evidence may be taken, in minutes after T+0. */
export interface CheckpointTimes {
  /** The checkpoint's nominal time (T+30m: 30). */
  readonly minutes: number;
  /** A window shorter than this is not the evidence the checkpoint asks for. */
  readonly earliestMinutes: number;
  /** Past this the checkpoint is overdue. */
  readonly latestMinutes: number;
}

interface Threshold {
  /** Value that must be met for a green gate. */
  readonly target: number;
  /** Value past which the runbook demands an immediate rollback. */
  readonly critical: number;
  readonly unit: string;
}

export interface GateThresholds {
  /** Success rate in percent: >= target is green, < critical is a rollback. */
  readonly successRate: Threshold & { readonly sustainedMinutes: number };
  /** p95 (see `windows.latencyQuantile`) delivery latency in ms: < target is green, > critical is a rollback. */
  readonly p95LatencyMs: Threshold & { readonly sustainedMinutes: number };
  /** Circuit breaker opens per day: < target is green, > critical is a rollback. */
  readonly circuitBreakerOpensPerDay: Threshold;
  /** Log lines with PII: anything above target is a rollback. */
  readonly piiLeaks: Threshold;
  /** Fewer deliveries than this in the window is not enough evidence to decide. */
  readonly minDeliveries: number;
  /** The canary's logs must be dated across the window: the longest stretch without a line that still counts as covered. */
  readonly logCoverage: { readonly maxGapMinutes: number; readonly maxGapShareOfWindow: number };
}

/**
 * How the canary is compared with its baseline (`canary_vs_baseline`): a Mann-Whitney test
 * of the two per-minute series, classified as Kayenta's classifier does.
 */
export interface BaselinePolicy {
  /** The baseline's label matchers, `{...}`; unset: compare only when `--baseline` is given. */
  readonly selector?: string;
  /** Confidence of the shift's interval (Kayenta: 0.98). */
  readonly confidence: number;
  /** The interval must clear this share of |shift| to count (Kayenta: 0.25). */
  readonly tolerance: number;
  /** Mean ratio canary/baseline of the success rate at or below which a significant drop counts. */
  readonly successRateAllowedDecrease: number;
  /** Mean ratio canary/baseline of the p95 at or above which a significant rise counts. */
  readonly p95AllowedIncrease: number;
  /** Fewer minutes with traffic on either side is no evidence (fail closed). */
  readonly minMinutes: number;
}

/** The time policy every engine shares: one place for `5m`, `0.95`, `24h`. */
export interface RunbookWindows {
  /** Rate window of alerts and of the sustained-breach series (`5m`). */
  readonly rate: string;
  /** Step of the sustained-breach series, in seconds (60). */
  readonly seriesStepSeconds: number;
  /** The quantile the latency gate, alerts and charts read (0.95). */
  readonly latencyQuantile: number;
  /** How long the circuit breaker gate counts opens over (`24h`). */
  readonly circuitBreakerDay: string;
  /** How long a warning alert's condition must hold before it fires (`10m`). */
  readonly warningFor: string;
}

export interface RollbackPolicy {
  /** How long the runbook expects draining to take. */
  readonly drainMinutes: number;
  /** Past this the canary still sending is a failed rollback step. */
  readonly deadlineMinutes: number;
  /** `rate()` window of the delivery counter when checking it is 0 (`1m`). */
  readonly rateWindow: string;
}

export interface DashboardDef {
  /** Where it is defined, named in the generated description and in lint problems. */
  readonly source: string;
  readonly build: (rb: Runbook) => Dashboard;
}

export interface DashboardPolicy {
  /** Fixed `rate`/`increase` windows a dashboard may use instead of `$__rate_interval`, and why. */
  readonly justifiedWindows: Readonly<Record<string, string>>;
  /** Panels that must exist, by dashboard uid: id -> what it shows. */
  readonly requiredPanels: Readonly<Record<string, Readonly<Record<number, string>>>>;
  /** The dashboard whose panels Grafana renders as evidence images, and their ids (none: SVG charts only). */
  readonly evidence?: {
    readonly uid: string;
    readonly title: string;
    readonly panels: { readonly successRate: number; readonly p95Latency: number; readonly retryHistogram: number; readonly circuitBreakerOpens: number };
  };
}

export interface Runbook {
  /** Where the runbook is defined (e.g. `runbooks/webhook-delivery`), named in generated files. */
  readonly source?: string;
  readonly service: {
    /** Human name, used in reports. */
    readonly name: string;
    /** Scrape job of the service's instances. */
    readonly job: string;
    /** `track` label value of canary instances. */
    readonly canaryTrack: string;
    /** printf pattern of instance names, e.g. `webhook-sender-%03d`. */
    readonly instancePattern: string;
  };
  /** Labels every generated alert carries and the gate requires of "our" alerts (e.g. team). */
  readonly ownerLabels: Matchers;
  /** Where the per-alert runbook pages are published; each alert links to `<base>/<Alert>.md`. */
  readonly runbookBaseUrl: string;
  /** Where people talk about the rollout. */
  readonly channels: { readonly ops: string; readonly incidents: string; readonly team: string };
  readonly metrics: MetricContract;
  readonly slos: readonly SloDef[];
  /** Burn-rate windows per SLO period (the SRE workbook's, Sloth's shape) and each tier's severity. */
  readonly burnPolicy: BurnPolicy;
  readonly alertGroups: readonly AlertGroupDef[];
  readonly dashboards: readonly DashboardDef[];
  readonly dashboardPolicy: DashboardPolicy;
  readonly phases: readonly CanaryPhase[];
  readonly checkpoints: Readonly<Record<CheckpointName, CheckpointTimes>>;
  readonly gates: GateThresholds;
  /** Canary vs baseline comparison; absent: the gate never compares. */
  readonly baseline?: BaselinePolicy;
  readonly windows: RunbookWindows;
  /** Lint checks this runbook turns off, by id (`slogate lint` and `generate` list them in docs/generate.md). */
  readonly lint?: { readonly disabled?: readonly string[] };
  /** Rollback verification: how long in-flight deliveries may take to drain, and the rate window read. */
  readonly rollback?: RollbackPolicy;
  /** The PII scan's policy: personal and infrastructure fields, own mailboxes, accounts, ranges, phone countries. */
  readonly pii?: PiiPolicy;
  /** The gate's checks: the built-in ones minus `omit`, plus the runbook's own (default: all built-in). */
  readonly gateChecks?: GateCheckPolicy;
  /** Incident recovery (`slogate replay`): providers, endpoints, batch sizes, escalation. */
  readonly replay?: ReplayConfig;
}

/** What a runbook module writes: `runbookBaseUrl` may be left out (see `defineRunbook`). */
export type RunbookDefinition = Omit<Runbook, 'runbookBaseUrl'> & { readonly runbookBaseUrl?: string };

/**
 * For type checking a runbook module's export: `export default defineRunbook({...})`.
 * Without `runbookBaseUrl` the CLI fills it when it loads the runbook, from the project's
 * package.json `repository` (`<repo>/blob/HEAD/docs/runbooks`), else `docs/runbooks`.
 */
export const defineRunbook = (rb: RunbookDefinition): Runbook => ({ ...rb, runbookBaseUrl: rb.runbookBaseUrl ?? '' });

/** `<repository>/blob/HEAD/docs/runbooks` from a package.json `repository` field (string, `github:` shorthand or `{url}`); null when it names no web repository. */
export function runbookBaseFromRepository(repository: unknown): string | null {
  const raw = typeof repository === 'string' ? repository : typeof (repository as { url?: unknown })?.url === 'string' ? (repository as { url: string }).url : null;
  if (!raw) return null;
  const short = /^(?:(github|gitlab|bitbucket):)?([\w.-]+)\/([\w.-]+?)(?:\.git)?$/.exec(raw.trim());
  const host = { github: 'github.com', gitlab: 'gitlab.com', bitbucket: 'bitbucket.org' } as const;
  if (short) return `https://${host[(short[1] ?? 'github') as keyof typeof host]}/${short[2]}/${short[3]}/blob/HEAD/docs/runbooks`;
  const url = /^(?:git\+)?(?:https?|ssh|git):\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?[/:](.+?)(?:\.git)?\/?$/.exec(raw.trim()) ?? /^git@([^:]+):(.+?)(?:\.git)?$/.exec(raw.trim());
  if (!url) return null;
  // GitLab's file view is /-/blob/, the others /blob/
  return `https://${url[1]}/${url[2]}${/gitlab/.test(url[1]) ? '/-' : ''}/blob/HEAD/docs/runbooks`;
}

/** An instance's name from a printf pattern: `webhook-sender-%03d`, 7 -> `webhook-sender-007`. */
export const instanceName = (pattern: string, n: number): string => pattern.replace(/%0?(\d*)d/, (_, width: string) => String(n).padStart(Number(width || 0), '0'));

/** The alert groups the gate counts and requires loaded: all but those marked `gate: false`. */
export const gatedAlertGroups = (rb: Runbook): readonly AlertGroupDef[] => rb.alertGroups.filter((g) => g.gate !== false);

/** The canary's series: the service's job on the canary track. */
export const canaryMatchersOf = (rb: Runbook): Matchers => ({ job: rb.service.job, track: rb.service.canaryTrack });
/** Every instance of the service, whatever its track. */
export const serviceMatchersOf = (rb: Runbook): Matchers => ({ job: rb.service.job });
