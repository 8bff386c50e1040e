// Bad flags and bad POST /scenario bodies: a clear answer each, and the simulator keeps running.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyScenarioPatch, presets, ScenarioError } from '../../src/simulator/scenario.ts';
import { startSimulator, type SimulatorInstance } from '../../src/simulator/server.ts';

const BIN = join(import.meta.dirname, '../../bin/slogate');

describe('POST /scenario with bad bodies', () => {
  let sim: SimulatorInstance;
  beforeAll(async () => {
    sim = await startSimulator({ instance: 'webhook-sender-001', track: 'canary', seed: 1 });
  });
  afterAll(() => sim.stop());

  const post = async (body: string) => {
    const res = await fetch(`${sim.url}/scenario`, { method: 'POST', body });
    return { status: res.status, body: (await res.json()) as { error?: string; scenario?: Record<string, unknown> } };
  };

  it.each([
    ['{bad', /not valid JSON/],
    ['', /not valid JSON/],
    ['null', /must be a JSON object/],
    ['[0.8]', /must be a JSON object/],
    ['{"successRate":"0.8"}', /successRate must be a number/],
    ['{"successRate":1.2}', /successRate must be between 0 and 1, got 1.2/],
    ['{"maxAttempts":2.5}', /maxAttempts must be an integer/],
    ['{"preset":"broken"}', /unknown preset "broken" \(known: healthy/],
    ['{"succesRate":0.8}', /unknown scenario field "succesRate"/],
    ['{"constructor":1}', /unknown scenario field "constructor"/],
    ['{"toString":1}', /unknown scenario field "toString"/],
    ['{"__proto__":1}', /unknown scenario field "__proto__"/],
    ['{"latencyP50Ms":3000,"latencyP95Ms":100}', /latencyP95Ms \(100\) must not be below latencyP50Ms/],
  ])('%s: 400 with a one-line reason, scenario unchanged', async (body, reason) => {
    const before = JSON.stringify(sim.simulation.scenario);
    const r = await post(body);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(reason);
    expect(r.body.error).not.toContain('\n');
    expect(JSON.stringify(sim.simulation.scenario)).toBe(before);
  });

  it('still answers a good change afterwards', async () => {
    const r = await post('{"successRate":0.8}');
    expect(r.status).toBe(200);
    expect(r.body.scenario).toMatchObject({ successRate: 0.8 });
    expect(Object.keys(r.body.scenario!).sort()).toEqual(Object.keys(presets.healthy).sort());
  });

  it('the library refuses prototype keys too', () => {
    expect(() => applyScenarioPatch(presets.healthy, JSON.parse('{"hasOwnProperty":0}'))).toThrow(ScenarioError);
  });
});

describe('slogate simulate with bad flags', () => {
  it.each([
    [['--instances', '0'], /^slogate: --instances must be an integer from 1 to 100, got "0"$/],
    [['--success-rate', '1.5'], /^slogate: --success-rate must be a number from 0 to 1, got "1.5"$/],
    [['--rate', 'fast'], /^slogate: --rate must be a number from 0 to 10000, got "fast"$/],
    [['--instance', ''], /^slogate: --instance must not be empty$/],
    [['--host', 'no-such-host.invalid'], /^slogate: cannot listen on no-such-host\.invalid: (ENOTFOUND|EAI_AGAIN)/],
    [['--preset', 'nope'], /argument 'nope' is invalid/],
  ])('%j: one line, exit 2, no stack trace', (args, line) => {
    const r = spawnSync(BIN, ['simulate', ...args, '--duration', '0.2'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(line);
    expect(r.stdout).toBe('');
  });
});
