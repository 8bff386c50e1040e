// The integration suite against a real Prometheus, history backfilled with promtool.
import { defineGateSuite } from '../harness/gate-suite.ts';

defineGateSuite('prometheus');
