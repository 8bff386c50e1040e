// The labels SLO series carry. slogate's own (`slo`, `service`, `window`) are always there;
// the Sloth-compatible option adds Sloth's (`sloth_id`, `sloth_service`, `sloth_slo`, `sloth_window`)
// so dashboards and queries written for Sloth's series work on ours unchanged.
import { selector } from '../contract/selectors.ts';
import type { SloDef } from './types.ts';

export interface SloLabelOptions {
  /** Also emit Sloth's labels and `sloth_slo_info`. */
  readonly slothCompatible?: boolean;
  /** Read long windows from the raw series (right after a first deployment, before the records cover them). */
  readonly rawLongWindows?: boolean;
}

/** Sloth's id of an SLO: `<service>-<name>`. */
export const slothId = (slo: Pick<SloDef, 'service' | 'name'>): string => `${slo.service}-${slo.name}`;

/** Labels that identify the SLO on every series it records. */
export function sloLabels(slo: SloDef, o: SloLabelOptions = {}): Record<string, string> {
  const own = { slo: slo.name, service: slo.service };
  return o.slothCompatible ? { ...own, sloth_id: slothId(slo), sloth_service: slo.service, sloth_slo: slo.name } : own;
}

/** Labels of a windowed series (`window`, and `sloth_window` in Sloth mode). */
export function windowLabels(window: string, o: SloLabelOptions = {}): Record<string, string> {
  return o.slothCompatible ? { window, sloth_window: window } : { window };
}

/** The label names that differ between two windows of one SLO (for `ignoring (...)`). */
export const windowLabelNames = (o: SloLabelOptions = {}): string[] => (o.slothCompatible ? ['window', 'sloth_window'] : ['window']);

/** `{slo="<name>"}`: picks one SLO's series whatever the label style. */
export const sloFilter = (slo: Pick<SloDef, 'name'>): string => selector({ slo: slo.name });
