// The CLI's error and exit-code vocabulary. UserError lives in the library (src/contract).
import { EXIT_CODES } from '../contract/exit-codes.ts';

export { UserError } from '../contract/errors.ts';

/** Exit codes shared by every command; the whole table is src/contract/exit-codes.ts. */
export const EXIT = EXIT_CODES.common;
