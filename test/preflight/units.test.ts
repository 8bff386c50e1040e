// The pre-flight's pure parts: secret rules, Alertmanager's routing walk, PromQL
// comparison as Prometheus reformats it, staleness, Grafana's answer shapes.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { canaryAlertGroup } from '../../runbooks/webhook-delivery/alert-groups.ts';
import { grafanaCheck, preflightPassed, targetsCheck, type CheckResult } from '../../src/preflight/checks.ts';
import { matchRoutes, parseAlertmanagerConfig, parseMatchers, routeAlert } from '../../src/preflight/routing.ts';
import { canonicalPromql, ruleGroupDifferences, stalenessProblem, STALE_FLOOR_SECONDS } from '../../src/preflight/rules-check.ts';
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

describe('loaded rules against generated ones', () => {
  it('compares PromQL as parsed: Prometheus’s reformatting is equal, a changed threshold is not', () => {
    const gen = 'sum by (le) (rate(x{a="b"}[24h]))\nand\ny > 0.90';
    expect(canonicalPromql(gen)).toBe(canonicalPromql("sum by (le) (rate(x{a='b'}[1d])) and y > 0.9"));
    expect(canonicalPromql(gen)).not.toBe(canonicalPromql('sum by (le) (rate(x{a="b"}[24h])) and y > 0.8'));
    expect(canonicalPromql('(a + b) * c')).not.toBe(canonicalPromql('a + (b * c)'));
    expect(canonicalPromql('a offset 15m')).not.toBe(canonicalPromql('a offset 16m'));
  });

  it('names every difference: missing, extra, for, labels', () => {
    const gen = { name: 'g', rules: [{ alert: 'A', expr: 'up == 0', for: '2m', labels: { severity: 'critical' } }, { alert: 'B', expr: 'up > 1' }] };
    const loaded = {
      name: 'g',
      rules: [
        { type: 'alerting' as const, name: 'A', query: 'up == 0', duration: 60, labels: { severity: 'warning' }, health: 'ok' },
        { type: 'alerting' as const, name: 'C', query: 'up', health: 'ok' },
      ],
    };
    expect(ruleGroupDifferences(gen, loaded)).toEqual([
      'B: missing from the loaded group',
      'C: loaded but not generated',
      'A: for is 60s, generated 120s',
      'A: labels [["severity","warning"]] differ from the generated [["severity","critical"]]',
    ]);
    expect(ruleGroupDifferences(gen, undefined)[0]).toMatch(/group g is not loaded/);
  });

  it('a group never evaluated, or evaluated long ago, is stale', () => {
    const now = new Date('2026-01-05T10:00:00Z');
    expect(stalenessProblem({ name: 'g', interval: 60, lastEvaluation: '0001-01-01T00:00:00Z' }, now, 3)).toMatch(/never been evaluated/);
    expect(stalenessProblem({ name: 'g', interval: 60, lastEvaluation: '2026-01-05T09:57:30Z' }, now, 3)).toBeNull();
    expect(stalenessProblem({ name: 'g', interval: 60, lastEvaluation: '2026-01-05T09:56:00Z' }, now, 3)).toMatch(/240 s ago \(interval 60 s\)/);
    expect(stalenessProblem({ name: 'g', interval: 1, lastEvaluation: new Date(now.getTime() - (STALE_FLOOR_SECONDS - 1) * 1000).toISOString() }, now, 3)).toBeNull();
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
