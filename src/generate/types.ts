// What a generator step produces, shared by the rule, SLO and dashboard sources.
import type { Runbook } from '../contract/runbook.ts';

export interface Artefact {
  /** Path relative to the output directory, with forward slashes. */
  readonly path: string;
  readonly content: string;
}

export interface BuildOptions {
  /** Scale every alert `for` (e.g. 0.02 for end-to-end tests). */
  readonly forScale?: number;
  /** Also emit Sloth's labels (`sloth_id`, `sloth_service`, `sloth_slo`, `sloth_window`) and `sloth_slo_info`. */
  readonly slothCompatible?: boolean;
  /** Long windows (a day or more, the period) from the service's raw series instead of the recorded event rates. */
  readonly rawLongWindows?: boolean;
}

/** One file-producing step: the runbook and the series a query may name, in; files and problems out. */
export type ArtefactSource = (rb: Runbook, known: ReadonlySet<string>, opts: BuildOptions) => { artefacts: Artefact[]; problems: string[] };

/** A lint step over an output folder (`slogate lint`). */
export type FolderLinter = (dir: string, rb: Runbook) => Promise<string[]>;
