// What "sustained" means, once, for the alerts and the gate alike: a breach is sustained
// once it has held for N minutes, counted the way an alert's `for` counts, from the first
// evaluation that saw it to the latest one that still sees it. The alert gets `for: Nm`;
// the gate measures the same span on its per-step series (a run of n contiguous points
// has held for (n - 1) steps).

/** The alert's `for` for a breach that must hold `minutes`. */
export const sustainedFor = (minutes: number): string => `${minutes}m`;

/** How long a run of `points` contiguous samples `stepSeconds` apart has held, in seconds. */
export const heldSeconds = (points: number, stepSeconds: number): number => (points > 0 ? (points - 1) * stepSeconds : 0);

/** Whether a breach that held `heldMinutes` is sustained under a `minutes` rule (the alert would fire). */
export const isSustained = (heldMinutes: number, minutes: number): boolean => heldMinutes > 0 && heldMinutes + 1e-9 >= minutes;
