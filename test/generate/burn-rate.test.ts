import { describe, expect, it } from 'vitest';
import { burnFactor, errorBudget, errorRatioThreshold, decimal, timeToExhaustion } from '../../src/index.ts';
import { rational, toDecimal, mul, div, add, sub } from '../../src/promql/decimal.ts';
import { parseDuration, formatDuration } from '../../src/promql/duration.ts';
import { windows30d } from '../../runbooks/webhook-delivery/burn-policy.ts';

const fastBurn = windows30d.page.quick;
const slowBurn = windows30d.page.slow;
const ticketQuick = windows30d.ticket.quick;
const ticketBurn = windows30d.ticket.slow;

describe('burn-rate maths (SRE workbook table 5-8)', () => {
  it('derives 14.4, 6, 3 and 1 from a 30-day period', () => {
    expect(decimal(burnFactor(fastBurn, '30d'))).toBe('14.4');
    expect(decimal(burnFactor(slowBurn, '30d'))).toBe('6');
    expect(decimal(burnFactor(ticketQuick, '30d'))).toBe('3');
    expect(decimal(burnFactor(ticketBurn, '30d'))).toBe('1');
  });

  it('follows the period: 28 days gives 13.44 for the fast burn', () => {
    expect(decimal(burnFactor(fastBurn, '28d'))).toBe('13.44');
    expect(decimal(burnFactor(slowBurn, '28d'))).toBe('5.6');
  });

  it('error budgets and thresholds are exact', () => {
    expect(decimal(errorBudget({ objective: 99 }))).toBe('0.01');
    expect(decimal(errorBudget({ objective: 99.9 }))).toBe('0.001');
    expect(decimal(errorBudget({ objective: 99.95 }))).toBe('0.0005');
    expect(decimal(errorRatioThreshold({ objective: 99.9, timeWindow: '30d' }, fastBurn))).toBe('0.0144');
    expect(decimal(errorRatioThreshold({ objective: 95, timeWindow: '30d' }, slowBurn))).toBe('0.3');
  });

  it('time to exhaustion', () => {
    expect(timeToExhaustion(14.4, '30d')).toBe(parseDuration('50h'));
    expect(timeToExhaustion(0, '30d')).toBe(Infinity);
    expect(timeToExhaustion(Number.NaN, '30d')).toBe(Infinity);
  });
});

describe('exact decimals', () => {
  it('avoids binary noise', () => {
    expect(0.1 * 56).not.toBe(5.6);
    expect(toDecimal(mul(rational('0.1'), rational(56)))).toBe('5.6');
    expect(toDecimal(add(rational('0.1'), rational('0.2')))).toBe('0.3');
    expect(toDecimal(sub(rational(1), rational('0.999')))).toBe('0.001');
    expect(toDecimal(rational(-2.5))).toBe('-2.5');
  });

  it('rounds non-terminating fractions', () => {
    expect(toDecimal(div(rational(720), rational(7)), 6)).toBe('102.857143');
    expect(toDecimal(div(rational(2), rational(3)), 4)).toBe('0.6667');
    expect(toDecimal(div(rational(1), rational(3)), 4)).toBe('0.3333');
    expect(toDecimal(div(rational(-2), rational(3)), 2)).toBe('-0.67');
    expect(toDecimal(div(rational(199999), rational(200000)), 3)).toBe('1');
  });

  it('rejects what is not a decimal', () => {
    expect(() => rational('1e5x')).toThrow();
    expect(() => rational(Number.NaN)).toThrow();
    expect(() => div(rational(1), rational(0))).toThrow();
  });
});

describe('durations', () => {
  it('parses and formats Prometheus durations', () => {
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('30d')).toBe(2592000);
    expect(parseDuration('500ms')).toBe(0.5);
    expect(formatDuration(5400)).toBe('90m');
    expect(formatDuration(604800)).toBe('7d');
    expect(formatDuration(30)).toBe('30s');
    expect(() => parseDuration('5 minutes')).toThrow();
    expect(() => parseDuration('')).toThrow();
  });
});

describe('PromQL type checks', () => {
  it('accepts range vectors with offset and @ modifiers, rejects instant vectors', async () => {
    const { analyzePromql } = await import('../../src/promql/parse.ts');
    expect(analyzePromql('rate(x[5m] offset 1h)').problems).toEqual([]);
    expect(analyzePromql('rate(x[5m] @ 100)').problems).toEqual([]);
    expect(analyzePromql('rate((x[5m]))').problems).toEqual([]);
    expect(analyzePromql('rate(x offset 1h)').problems[0].message).toMatch(/expects a range vector/);
  });
});
