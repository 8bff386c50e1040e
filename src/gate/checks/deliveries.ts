// Too few deliveries are not enough evidence to judge rates.
import { fmt, round } from '../format.ts';
import type { GateCheck } from './types.ts';

export const deliveriesCheck: GateCheck = {
  name: 'deliveries',
  doc: 'The window holds at least the minimum number of deliveries the rates need.',
  evaluate({ evidence: e }) {
    const target = `>= ${e.minDeliveries}`;
    if (!e.deliveries.ok) return { value: null, status: 'no_data', target, detail: `Deliveries: ${e.deliveries.reason}.` };
    const v = e.deliveries.value;
    if (Number.isNaN(v)) return { value: null, status: 'no_data', target, detail: 'Deliveries in the window are NaN.' };
    const metrics = { deliveries: round(v, 2) };
    if (v >= e.minDeliveries) return { value: round(v, 2), status: 'pass', target, detail: `${fmt(v, 0)} deliveries in the window`, metrics };
    return { value: round(v, 2), status: 'no_data', target, detail: `Only ${fmt(v, 0)} deliveries in the window, fewer than the ${e.minDeliveries} needed to decide.`, metrics };
  },
};
