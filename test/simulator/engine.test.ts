import { isValidPhoneNumber } from 'libphonenumber-js';
import { isIP } from 'node:net';
import tlds from 'tlds';
import { describe, expect, it } from 'vitest';
import { canaryGates } from '../../runbooks/webhook-delivery/rollout.ts';
import { deliveryLogLine, Simulation, type Delivery } from '../../src/simulator/engine.ts';
import { FAKE_PII, LEAK_FIELDS, PLANTED_CATEGORIES } from '../../src/simulator/pii.ts';
import { applyScenarioPatch, presets, PRESET_NAMES, ScenarioError, type PresetName } from '../../src/simulator/scenario.ts';

const START = Date.parse('2026-01-05T10:00:00Z');
const ctx = { instance: 'webhook-sender-001', track: 'canary' };

function run(preset: PresetName, seconds: number, seed = 1) {
  const sim = new Simulation(presets[preset], seed, START);
  const deliveries: Delivery[] = [];
  let opens = 0;
  let rateLimited = 0;
  let maxQueue = 0;
  for (let i = 0; i < seconds * 10; i++) {
    const r = sim.step(100);
    deliveries.push(...r.completed);
    opens += r.circuitOpens.length;
    rateLimited += r.rateLimited;
    maxQueue = Math.max(maxQueue, r.queueDepth);
  }
  const durations = deliveries.map((d) => d.durationSeconds * 1000).sort((a, b) => a - b);
  return {
    sim,
    deliveries,
    opens,
    rateLimited,
    maxQueue,
    successPercent: (100 * deliveries.filter((d) => d.outcome === 'success').length) / deliveries.length,
    p95Ms: durations[Math.floor(0.95 * (durations.length - 1))],
    lines: deliveries.map((d) => deliveryLogLine(d, ctx)),
  };
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

describe('Simulation', () => {
  it('keeps the breakers of down endpoints open or half-open, never closed, and the others closed', () => {
    const sim = new Simulation(applyScenarioPatch(presets.healthy, { downEndpoints: 1 }).scenario, 3, START);
    const seen = new Map<string, Set<string>>();
    let opens = 0;
    for (let i = 0; i < 3000; i++) {
      const r = sim.step(100);
      opens += r.circuitOpens.length;
      for (const c of sim.circuitStates()) {
        if (!seen.has(c.endpoint)) seen.set(c.endpoint, new Set());
        seen.get(c.endpoint)!.add(c.state);
      }
    }
    // 300 s with a 60 s open timeout: tripped at once, then again after every failed probe
    expect(opens).toBeGreaterThanOrEqual(4);
    expect([...seen.get('receiver-1.example.com')!].sort()).toEqual(['halfOpen', 'open']);
    for (const ep of ['receiver-2.example.com', 'receiver-3.example.com', 'receiver-4.example.com']) expect([...seen.get(ep)!]).toEqual(['closed']);
    expect(() => applyScenarioPatch(presets.healthy, { downEndpoints: 5 })).toThrow(/must not exceed endpoints/);
  });

  it('is reproducible: the same seed gives the same log, another seed another one', () => {
    const a = run('pii-leak', 30, 42).lines;
    const b = run('pii-leak', 30, 42).lines;
    const c = run('pii-leak', 30, 43).lines;
    expect(a.length).toBeGreaterThan(100);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  // Each preset is judged against the runbook's gates, so a threshold change shows here.
  it('healthy meets every gate with margin', () => {
    const r = run('healthy', 120);
    expect(r.successPercent).toBeGreaterThanOrEqual(canaryGates.successRate.target);
    expect(r.p95Ms).toBeLessThan(canaryGates.p95LatencyMs.target);
    expect(r.opens).toBe(0);
    expect(r.sim.stats.piiLines).toBe(0);
    const rate = r.deliveries.length / 120;
    expect(rate).toBeGreaterThan(presets.healthy.deliveriesPerSecond * 0.9);
    expect(rate).toBeLessThan(presets.healthy.deliveriesPerSecond * 1.1);
  });

  it('degraded breaks the critical success rate, slow the critical p95, cb-storm the breaker budget', () => {
    const degraded = run('degraded', 60);
    expect(degraded.successPercent).toBeLessThan(canaryGates.successRate.critical);
    expect(degraded.deliveries.filter((d) => d.outcome === 'failure').every((d) => d.attempts === presets.degraded.maxAttempts)).toBe(true);
    expect(degraded.sim.stats.failures).toBeGreaterThan(0);

    const slow = run('slow', 60);
    expect(slow.p95Ms).toBeGreaterThan(canaryGates.p95LatencyMs.critical);
    expect(slow.successPercent).toBeGreaterThanOrEqual(canaryGates.successRate.target);

    const storm = run('cb-storm', 180);
    expect(storm.opens).toBeGreaterThan(canaryGates.circuitBreakerOpensPerDay.critical);
    expect(storm.successPercent).toBeGreaterThanOrEqual(canaryGates.successRate.target);
  });

  it('pii-leak plants every category at about its rate, in the field named for it', () => {
    const r = run('pii-leak', 120);
    const leaked = r.deliveries.filter((d) => d.leak);
    expect(r.sim.stats.piiLines).toBe(leaked.length);
    expect(leaked.length / r.deliveries.length).toBeGreaterThan(presets['pii-leak'].piiRate * 0.6);
    expect(leaked.length / r.deliveries.length).toBeLessThan(presets['pii-leak'].piiRate * 1.4);
    expect(new Set(leaked.map((d) => d.leak!.category))).toEqual(new Set(PLANTED_CATEGORIES));
    for (const d of leaked) {
      const line = JSON.parse(deliveryLogLine(d, ctx));
      expect(line[LEAK_FIELDS[d.leak!.category]]).toBe(d.leak!.value);
    }
    // Lines without a leak carry none of the planted values.
    const clean = r.deliveries.filter((d) => !d.leak).map((d) => deliveryLogLine(d, ctx));
    const all = Object.values(FAKE_PII).flat();
    expect(clean.some((l) => all.some((v) => l.includes(v)))).toBe(false);
  });

  it('holds deliveries back with the token bucket when arrivals outpace it', () => {
    const sim = new Simulation({ ...presets.healthy, deliveriesPerSecond: 30 }, 3, START);
    let done = 0;
    let limited = 0;
    let queue = 0;
    for (let i = 0; i < 600; i++) {
      const r = sim.step(100);
      done += r.completed.length;
      limited += r.rateLimited;
      queue = r.queueDepth;
    }
    expect(limited).toBeGreaterThan(0);
    expect(queue).toBeGreaterThan(500); // ~20/s more than the bucket lets through
    expect(done / 60).toBeLessThanOrEqual(presets.healthy.rateLimitQps + presets.healthy.rateLimitBurst / 60);
  });
});

describe('planted PII', () => {
  it('looks real to a validator: valid phones, Luhn cards, real TLDs, public IPs', () => {
    for (const p of FAKE_PII.phone) expect(isValidPhoneNumber(p), p).toBe(true);
    for (const c of FAKE_PII.card) {
      const digits = c.replace(/[ -]/g, '');
      expect(digits.length, c).toBeGreaterThanOrEqual(13);
      expect(luhn(digits), c).toBe(true);
    }
    for (const e of FAKE_PII.email) expect(tlds, e).toContain(e.split('.').pop());
    for (const ip of FAKE_PII.ip) {
      expect(isIP(ip), ip).toBeGreaterThan(0);
      expect(ip.startsWith('127.') || ip === '::1' || ip.startsWith('10.') || ip.startsWith('192.168.')).toBe(false);
    }
    expect(Object.keys(FAKE_PII).sort()).toEqual([...PLANTED_CATEGORIES].sort());
  });
});

describe('applyScenarioPatch', () => {
  it('applies a preset, then field overrides', () => {
    const { scenario, preset } = applyScenarioPatch(presets.healthy, { preset: 'degraded', piiRate: 0.1 });
    expect(preset).toBe('degraded');
    expect(scenario).toEqual({ ...presets.degraded, piiRate: 0.1 });
    expect(applyScenarioPatch(presets.healthy, { successRate: 0.8 }).scenario.successRate).toBe(0.8);
    expect(PRESET_NAMES.every((p) => presets[p])).toBe(true);
  });

  it.each([
    [[], 'scenario must be a JSON object'],
    [{ preset: 'broken' }, 'unknown preset "broken"'],
    [{ sucessRate: 0.8 }, 'unknown scenario field "sucessRate"'],
    [{ successRate: '0.8' }, 'successRate must be a number'],
    [{ successRate: 1.2 }, 'successRate must be between 0 and 1, got 1.2'],
    [{ endpoints: 2.5 }, 'endpoints must be an integer, got 2.5'],
    [{ latencyP50Ms: 5000, latencyP95Ms: 100 }, 'latencyP95Ms (100) must not be below latencyP50Ms (5000)'],
  ])('refuses %j whole', (patch, message) => {
    expect(() => applyScenarioPatch(presets.healthy, patch)).toThrow(ScenarioError);
    expect(() => applyScenarioPatch(presets.healthy, patch)).toThrow(message);
  });
});
