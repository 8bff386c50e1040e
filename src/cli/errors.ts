// A user error is reported as one line with no stack trace; anything else is a bug.
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Exit codes shared by every command. Gate verdict codes live in src/gate. */
export const EXIT = { ok: 0, found: 1, usage: 2 } as const;
