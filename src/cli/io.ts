/**
 * Where the command line prints: the process's stdout and stderr, or a collector a test or the
 * least-privilege parent provides.
 *
 * @module
 */

/** Two streams of text, each call one or more whole lines. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** The process's stdout and stderr. */
export const stdio: Io = {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
};
