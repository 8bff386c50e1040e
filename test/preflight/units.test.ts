// The pre-flight's pure parts: secret rules, Alertmanager's routing walk, PromQL
// comparison as Prometheus reformats it, staleness, Grafana's answer shapes.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { canaryAlertGroup } from '../../runbooks/webhook-delivery/alert-groups.ts';
import { grafanaCheck, preflightPassed, targetsCheck, type CheckResult } from '../../src/preflight/checks.ts';
import { matchRoutes, parseAlertmanagerConfig, parseMatchers, routeAlert } from '../../src/preflight/routing.ts';
import { alertRulesCheck, generatedGroups, parseRulesResponse } from '../../src/preflight/rules-check.ts';
import { secretFingerprint, secretProblem } from '../../src/preflight/secret.ts';

describe('secret', () => {
  it.each([
    ['', 'missing'],
    ['0123456789abcdef0123456789abcde', 'short'],
    ['changeme-changeme-changeme-changeme', 'placeholder'],
    ['<generated_secret>', 'placeholder'],
    ['${WEBHOOK_SECRET_FROM_VAULT_PLEASE_1234}', 'placeholder'],
    ['{{ .Values.webhook.secret.value.here }}', 'placeholder'],
    ['webhook_secret_key_webhook_secret_key', 'placeholder'],
    ['YOUR-SECRET-GOES-HERE-0123456789abcdef', 'placeholder'],
    ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'placeholder'],
    ['abcabcabcabcabcabcabcabcabcabcabcabc', 'placeholder'],
    [' 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b', 'placeholder'],
  ])('%j is %s', (s, kind) => {
    expect(secretProblem(s)?.kind).toBe(kind);
  });

  it('accepts generated secrets: token_hex(32), base64, 32 bytes of UTF-8', () => {
    expect(secretProblem('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08')).toBeNull();
    expect(secretProblem('q8L2vR7xN1mK4pT9wZ3cF6hJ0sD5gB8y')).toBeNull();
    // 17 characters, 32 bytes: wc -c counts bytes
    expect(secretProblem('ключ-секрет-ÿ½¾øé')).toBeNull();
    expect(secretProblem('ключ-секрет-ÿ½¾ø')).toEqual({ kind: 'short', length: 30 });
  });

  it('fingerprints as hashlib.sha256(secret.encode()).hexdigest()', () => {
    expect(secretFingerprint('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('Alertmanager routing', () => {
  const cfg = (route: unknown, receivers: unknown[]) => parseAlertmanagerConfig(stringify({ route, receivers }));
  const hook = (name: string) => ({ name, webhook_configs: [{ url: 'http://x/' }] });

  it('walks children in order, stops at the first match unless continue, inherits receivers', () => {
    const c = cfg(
      {
        receiver: 'default',
        routes: [
          { matchers: ['team="platform"', 'severity=~"crit.*"'], receiver: 'pager', continue: true },
          { match: { team: 'platform' }, routes: [{ matchers: ['alertname!~"Webhook.*"'], receiver: 'other' }] },
          { receiver: 'never' },
        ],
      },
      [hook('default'), hook('pager'), hook('other'), hook('never')],
    );
    const r = routeAlert(c, { alertname: 'WebhookSenderDown', team: 'platform', severity: 'critical' });
    // pager (continue), then the second route (receiver inherited from root: default) whose child does not match
    expect(r.delivered).toEqual(['pager', 'default']);
    expect(r.routes).toEqual(['route.routes[0]', 'route.routes[1]']);
    expect(routeAlert(c, { alertname: 'X', team: 'db' }).delivered).toEqual(['never']);
  });

  it('a route to a receiver without integrations drops the alert', () => {
    const c = cfg({ receiver: 'null' }, [{ name: 'null' }]);
    const r = routeAlert(c, { alertname: 'A' });
    expect(r).toEqual({ delivered: [], dropped: ['null'], routes: ['route'] });
  });

  it('regexes are anchored; matcher lists may use braces and quoted commas', () => {
    expect(parseMatchers('{severity="critical", team=~"plat,form|ops"}', 'x')).toEqual([
      { name: 'severity', op: '=', value: 'critical' },
      { name: 'team', op: '=~', value: 'plat,form|ops' },
    ]);
    const c = cfg({ receiver: 'a', routes: [{ match_re: { severity: 'crit' }, receiver: 'b' }] }, [hook('a'), hook('b')]);
    expect(matchRoutes(c.root, { severity: 'critical' }).map((r) => r.receiver)).toEqual(['a']);
  });

  it('refuses what it cannot read, in one line', () => {
    expect(() => parseAlertmanagerConfig('receivers: []')).toThrow(/no route/);
    expect(() => cfg({ receiver: 'a', routes: [{ matchers: ['severity'] }] }, [])).toThrow(/route.routes\[0\].matchers\[0\]: cannot read matcher "severity"/);
    expect(() => cfg({ receiver: 'a', routes: [{ match_re: { a: '(' } }] }, [])).toThrow(/does not compile/);
  });
});

describe('loaded rules against generated ones (src/rules/loaded.ts underneath)', () => {
  const file = { groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'rate(x[24h]) > 0.9', for: '2m', labels: { severity: 'critical' } }, { alert: 'B', expr: 'up == 0' }] }, { name: 'other', rules: [] }] };
  const now = Date.parse('2026-01-05T10:00:00Z') / 1000;
  const api = (rules: unknown[], lastEvaluation = '2026-01-05T09:59:50Z') => parseRulesResponse({ status: 'success', data: { groups: [{ name: 'g', interval: 60, lastEvaluation, rules }] } });
  const rule = (name: string, query: string, extra: Record<string, unknown> = {}) => ({ type: 'alerting', name, query, duration: 0, labels: {}, health: 'ok', lastEvaluation: '2026-01-05T09:59:50Z', ...extra });

  it('passes on Prometheus’s own reformatting of the same rules', () => {
    const r = alertRulesCheck(generatedGroups(file, ['g']), api([rule('A', 'rate(x[1d]) > 0.9', { duration: 120, labels: { severity: 'critical' } }), rule('B', 'up == 0')]), now, 3);
    expect(r).toMatchObject({ status: 'pass', reason: '2 of g loaded exactly as generated, all healthy, evaluated g 10 s ago' });
  });

  it('names the missing rule, the changed threshold, the evaluation error and a stuck group', () => {
    const r = alertRulesCheck(generatedGroups(file, ['g']), api([rule('A', 'rate(x[1d]) > 0.8', { duration: 120, labels: { severity: 'critical' }, health: 'err', lastError: 'boom' })], '2026-01-05T09:50:00Z'), now, 3);
    expect(r.status).toBe('fail');
    expect(r.details).toEqual([
      'rule group g: A differs in expr (generated rate(x[24h]) > 0.9, loaded rate(x[1d]) > 0.8)',
      'rule group g: A fails to evaluate: boom',
      'rule group g lacks B',
      'rule group g last evaluated at 2026-01-05T09:50:00Z, 600 s ago (more than 210 s: is the ruler running?)',
    ]);
  });
});

describe('other checks', () => {
  it('Grafana: the documented dashboard JSON passes; login pages, other uids and refusals fail', () => {
    expect(grafanaCheck('u', 200, { dashboard: { uid: 'u', title: 'T', version: 2 }, meta: {} }).status).toBe('pass');
    expect(grafanaCheck('u', 200, null).reason).toMatch(/not its dashboard JSON/);
    expect(grafanaCheck('u', 200, { dashboard: { uid: 'v' }, meta: {} }).reason).toMatch(/uid "v", not u/);
    expect(grafanaCheck('u', 401, {}).reason).toMatch(/refused the token/);
    expect(grafanaCheck('u', 404, {}).reason).toMatch(/dashboards push/);
  });

  it('targets: missing and down instances each named; none at all is a wrong selector', () => {
    const r = targetsCheck([{ instance: 'a', value: 1 }, { instance: 'b', value: 0 }], ['a', 'b', 'c'], '{x="y"}');
    expect(r.details).toEqual(['c: not a scrape target (no up series)', 'b: down (up = 0)']);
    expect(targetsCheck([], [], '{x="y"}').reason).toMatch(/no scrape target matches up\{x="y"\}/);
  });

  it('passes only when every required check passed', () => {
    const c = (status: CheckResult['status'], required: boolean) => ({ id: 'secret', title: '', reason: '', status, required }) as CheckResult;
    expect(preflightPassed([c('pass', true), c('skipped', false)])).toBe(true);
    expect(preflightPassed([c('pass', true), c('skipped', true)])).toBe(false);
    expect(preflightPassed([c('fail', false), c('pass', true)])).toBe(true);
  });

  it('the canary has critical alerts to route', () => {
    expect(canaryAlertGroup.alerts.filter((a) => a.severity === 'critical')).toHaveLength(6);
  });
});
