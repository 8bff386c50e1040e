// What the simulated delivery service does: named presets and live changes, validated.

export interface Scenario {
  /** New delivery jobs per second arriving at this instance. */
  deliveriesPerSecond: number;
  /** Share of deliveries whose final outcome is success (0..1). */
  successRate: number;
  /** Delivery duration (first attempt to outcome): median and 95th percentile, ms. */
  latencyP50Ms: number;
  latencyP95Ms: number;
  /** Share of successful deliveries that needed at least one retry. */
  retryRate: number;
  /** Attempts a failed delivery used up before going to the DLQ (WEBHOOK_MAX_RETRIES + 1). */
  maxAttempts: number;
  /** Circuit breaker trips per minute, spread over the endpoints. */
  circuitOpensPerMinute: number;
  /** How long a tripped breaker stays open before half-open (the runbook's 60 s). */
  circuitOpenSeconds: number;
  /** Receiver endpoints deliveries go to. */
  endpoints: number;
  /** Endpoints whose receiver is down: their breakers trip at once and every half-open probe fails. */
  downEndpoints: number;
  /** Sender token bucket and in-flight cap. */
  rateLimitQps: number;
  rateLimitBurst: number;
  maxInflight: number;
  /** DLQ entries replayed or discarded per second. */
  dlqDrainPerSecond: number;
  /** Share of log lines that leak a PII value (0..1). */
  piiRate: number;
}

export const PRESET_NAMES = ['healthy', 'degraded', 'slow', 'cb-storm', 'pii-leak'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

// The simulated service's own behaviour, in its own numbers: like a real service it knows
// nothing of the gate. The presets sit well clear of the flagship runbook's thresholds
// (success 95/90%, p95 2/5 s, the first phase's 10 QPS token bucket) so each breaks one gate.
const phase1 = { qps: 10, burst: 20, maxInflight: 100 };

/** A canary that meets every runbook gate with margin. */
const healthy: Scenario = {
  deliveriesPerSecond: 8,
  successRate: 0.995,
  latencyP50Ms: 120,
  latencyP95Ms: 450,
  retryRate: 0.03,
  maxAttempts: 4,
  circuitOpensPerMinute: 0,
  circuitOpenSeconds: 60,
  endpoints: 4,
  downEndpoints: 0,
  rateLimitQps: phase1.qps,
  rateLimitBurst: phase1.burst,
  maxInflight: phase1.maxInflight,
  dlqDrainPerSecond: 0.05,
  piiRate: 0,
};

// Each preset breaks one gate of the flagship runbook clearly.
export const presets: Readonly<Record<PresetName, Scenario>> = {
  healthy,
  /** Success rate well under the critical threshold, with retries piling up. */
  degraded: { ...healthy, successRate: 0.7, retryRate: 0.3, latencyP50Ms: 250, latencyP95Ms: 1200 },
  /** p95 past the critical latency threshold, everything else fine. */
  slow: { ...healthy, latencyP50Ms: 2000, latencyP95Ms: 8000 },
  /** Breakers flapping: more opens in minutes than the runbook allows in a day. */
  'cb-storm': { ...healthy, successRate: 0.97, retryRate: 0.15, circuitOpensPerMinute: 6, circuitOpenSeconds: 10 },
  /** Healthy metrics, but one line in twenty leaks a customer's PII. */
  'pii-leak': { ...healthy, piiRate: 0.05 },
};

export function isPresetName(s: string): s is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(s);
}

interface FieldRule {
  min: number;
  max: number;
  integer?: boolean;
}

const FIELD_RULES: Record<keyof Scenario, FieldRule> = {
  deliveriesPerSecond: { min: 0, max: 10_000 },
  successRate: { min: 0, max: 1 },
  latencyP50Ms: { min: 0, max: 600_000 },
  latencyP95Ms: { min: 0, max: 600_000 },
  retryRate: { min: 0, max: 1 },
  maxAttempts: { min: 1, max: 20, integer: true },
  circuitOpensPerMinute: { min: 0, max: 10_000 },
  circuitOpenSeconds: { min: 0, max: 86_400 },
  endpoints: { min: 1, max: 1000, integer: true },
  downEndpoints: { min: 0, max: 1000, integer: true },
  rateLimitQps: { min: 0, max: 1_000_000 },
  rateLimitBurst: { min: 1, max: 1_000_000 },
  maxInflight: { min: 1, max: 1_000_000, integer: true },
  dlqDrainPerSecond: { min: 0, max: 1_000_000 },
  piiRate: { min: 0, max: 1 },
};

export const SCENARIO_FIELDS = Object.keys(FIELD_RULES) as (keyof Scenario)[];

export class ScenarioError extends Error {}

/**
 * Applies a change such as `{"successRate":0.8}` or `{"preset":"degraded","piiRate":0.1}`
 * (preset first, then fields). Unknown keys and out-of-range values are refused whole,
 * so a typo never half-applies.
 */
export function applyScenarioPatch(current: Scenario, patch: unknown): { scenario: Scenario; preset?: PresetName } {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new ScenarioError('scenario must be a JSON object');
  }
  const entries = Object.entries(patch as Record<string, unknown>);
  let next: Scenario = { ...current };
  let preset: PresetName | undefined;
  const presetValue = (patch as Record<string, unknown>).preset;
  if (presetValue !== undefined) {
    if (typeof presetValue !== 'string' || !isPresetName(presetValue)) {
      throw new ScenarioError(`unknown preset ${JSON.stringify(presetValue)} (known: ${PRESET_NAMES.join(', ')})`);
    }
    preset = presetValue;
    next = { ...presets[presetValue] };
  }
  for (const [key, value] of entries) {
    if (key === 'preset') continue;
    // own keys only: "constructor" or "__proto__" must not pass as fields
    const rule = Object.hasOwn(FIELD_RULES, key) ? FIELD_RULES[key as keyof Scenario] : undefined;
    if (!rule) throw new ScenarioError(`unknown scenario field "${key}" (known: preset, ${SCENARIO_FIELDS.join(', ')})`);
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new ScenarioError(`${key} must be a number`);
    if (value < rule.min || value > rule.max) throw new ScenarioError(`${key} must be between ${rule.min} and ${rule.max}, got ${value}`);
    if (rule.integer && !Number.isInteger(value)) throw new ScenarioError(`${key} must be an integer, got ${value}`);
    next[key as keyof Scenario] = value;
  }
  if (next.downEndpoints > next.endpoints) {
    throw new ScenarioError(`downEndpoints (${next.downEndpoints}) must not exceed endpoints (${next.endpoints})`);
  }
  if (next.latencyP95Ms < next.latencyP50Ms) {
    throw new ScenarioError(`latencyP95Ms (${next.latencyP95Ms}) must not be below latencyP50Ms (${next.latencyP50Ms})`);
  }
  return { scenario: next, preset };
}
