// The CLI's error and exit-code vocabulary. UserError lives in the library (src/contract).
export { UserError } from '../contract/errors.ts';

/** Exit codes shared by every command. Gate verdict codes live in src/gate. */
export const EXIT = { ok: 0, found: 1, usage: 2 } as const;
