// OpenSLO v1 specs from SLO definitions, validated against schemas/openslo-v1-slo.schema.json.
import { selector } from '../contract/selectors.ts';
import { div, rational, toNumber } from '../promql/decimal.ts';
import type { SloDef } from './types.ts';

export function openSloSpec(slo: SloDef): Record<string, unknown> {
  const query = (ref: SloDef['sli']['good']) => `${ref.metric}${selector(slo.matchers, ref.matchers ?? {})}`;
  return {
    apiVersion: 'openslo/v1',
    kind: 'SLO',
    metadata: { name: slo.name, displayName: slo.displayName },
    spec: {
      description: slo.description,
      service: slo.service,
      indicator: {
        metadata: { name: `${slo.name}-sli` },
        spec: {
          ratioMetric: {
            counter: true,
            good: { metricSource: { type: 'Prometheus', spec: { query: query(slo.sli.good) } } },
            total: { metricSource: { type: 'Prometheus', spec: { query: query(slo.sli.total) } } },
          },
        },
      },
      timeWindow: [{ duration: slo.timeWindow, isRolling: true }],
      budgetingMethod: 'Occurrences',
      objectives: [{ displayName: slo.displayName, target: toNumber(div(rational(slo.objective), rational(100))) }],
    },
  };
}
