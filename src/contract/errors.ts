// Errors the library raises for bad input. The CLI prints one as a single line (no stack
// trace) and exits with its code; anything else is a bug.
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
