import { defineConfig } from 'vitest/config';

// `npm run test:unit`: the fast loop for developers. Pure tests and nock-faked HTTP only:
// no Prometheus, Alertmanager, VictoriaMetrics, simulator or CLI subprocess. `npm test`
// still runs everything.
export default defineConfig({
  test: {
    include: [
      'test/architecture/**/*.test.ts',
      'test/backtest/evaluate.test.ts',
      'test/dashboards/generated.test.ts',
      'test/dashboards/unseen.test.ts',
      'test/evidence/grafana.test.ts',
      'test/evidence/units.test.ts',
      'test/gate/decide.test.ts',
      'test/gate/prometheus-client.test.ts',
      'test/generate/burn-rate.test.ts',
      'test/generate/docs.test.ts',
      'test/generate/validation.test.ts',
      'test/http/**/*.test.ts',
      'test/pii/accuracy-unseen.test.ts',
      'test/pii/loki.test.ts',
      'test/pii/validators.test.ts',
      'test/replay/plan.test.ts',
      'test/report/next-step.test.ts',
      'test/rules/**/*.test.ts',
      'test/simulator/engine.test.ts',
      'test/stats/**/*.test.ts',
    ],
    testTimeout: 30_000,
  },
});
