/**
 * File system problems as bad input. A full disk, a read-only folder, or a path that is a file where
 * a folder belongs is something the user can fix, not an internal error: it is reported with the path
 * (exit code 2), never as a stack trace.
 *
 * @module
 */

import { InputError } from "../errors.ts";

/** Deno's error classes for conditions of the file system (not of hvcheck's code). */
const FILE_ERRORS = [
  "NotFound",
  "PermissionDenied",
  "NotCapable",
  "AlreadyExists",
  "NotADirectory",
  "IsADirectory",
  "FilesystemLoop",
  "Busy",
] as const;

/** errno codes that mean the file system, not the program: no space, read-only, quota, too long. */
const FILE_CODES = new Set([
  "ENOSPC",
  "EROFS",
  "EDQUOT",
  "ENAMETOOLONG",
  "EACCES",
  "EPERM",
  "EISDIR",
  "ENOTDIR",
]);

/** Whether `error` is a file system condition rather than a bug. */
export function isFileProblem(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const classes = Deno.errors as unknown as Record<string, new () => Error>;
  if (FILE_ERRORS.some((name) => classes[name] !== undefined && error instanceof classes[name])) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && FILE_CODES.has(code)) return true;
  // Deno reports ENOSPC and EROFS as plain errors with the OS's message.
  return /\(os error (28|30|122|36)\)/.test(error.message);
}

/**
 * The InputError a file system problem becomes (`what` says what was being done, such as "Could not
 * write the checkpoint into out/x"), or undefined when `error` is something else.
 */
export function fileProblem(error: unknown, what?: string): InputError | undefined {
  if (error instanceof InputError || !isFileProblem(error)) return undefined;
  const message = (error as Error).message.split("\n")[0]!;
  return new InputError(what ? `${what}: ${message}.` : `${message}.`, { cause: error });
}
