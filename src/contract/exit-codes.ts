// Every exit code slogate uses, in one table. 2 is always a usage or input error; 70 a bug.
// The README's exit-code table is this table in prose.
export const EXIT_CODES = {
  /** Every command. */
  common: { ok: 0, found: 1, usage: 2, internal: 70 },
  /** `slogate gate`: pipelines branch on the verdict. */
  gate: { promote: 0, continue: 0, rollback: 1, usage: 2, inconclusive: 3, marginal: 4 },
  /** `slogate evidence collect / verify`: 1 says a part is missing or a file differs. */
  evidence: { ok: 0, incomplete: 1, usage: 2 },
  /** `slogate replay`. */
  replay: { ok: 0, drift: 1, usage: 2, unverified: 3, escalated: 4, refused: 5, interrupted: 130 },
} as const;
