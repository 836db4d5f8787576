/**
 * The one error class callers catch: bad input (a malformed model, an unknown parameter, a corrupt
 * trace file). The command line prints its message and exits with code 2, without a stack trace.
 *
 * @module
 */

/** Bad input from the user: the message says what is wrong and where. */
export class InputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InputError";
  }
}
