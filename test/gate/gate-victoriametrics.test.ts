// The same integration suite against a real VictoriaMetrics, history loaded through /api/v1/import.
import { defineGateSuite } from '../harness/gate-suite.ts';

defineGateSuite('victoriametrics');
