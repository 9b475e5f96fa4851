/** An error whose message is meant for the person at the terminal: printed on one line, no stack trace. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Errors from our own modules that already carry a user-facing message. */
const USER_FACING = new Set(['UserError', 'ConfigError', 'MediaError', 'MotFormatError', 'StoreError', 'StartError', 'AdminPasswordPolicyError', 'BusError']);

/** Prints an error for a person and returns the exit code; the stack only with VIGIE_DEBUG=1. */
export function reportError(err: unknown, write: (line: string) => void = (l) => process.stderr.write(l)): number {
  const error = err instanceof Error ? err : new Error(String(err));
  if (USER_FACING.has(error.name)) {
    write(`vigie: ${error.message}\n`);
  } else {
    write(`vigie: unexpected error: ${error.message}\n  (set VIGIE_DEBUG=1 for details, and please report it)\n`);
  }
  if (process.env.VIGIE_DEBUG === '1' && error.stack) write(`${error.stack}\n`);
  return error instanceof UserError ? error.exitCode : 1;
}
