/**
 * Deno's wording of a refused permission, read in one place. Deno says `Requires read access to
 * "/etc/passwd", run again with the --allow-read flag` (a NotCapable error, or its message relayed by a
 * worker thread or printed by a child process). The command line rewords it for the user, and a model
 * file's least-privilege child rewords it once more; the parent recognises the child's wording to add how
 * to widen the grant (src/cli/sandbox.ts). Both wordings are built and parsed here, so that they cannot
 * drift apart.
 *
 * @module
 */

/** A permission that was refused: its kind (read, write, net, env, run, sys, ffi, import) and target. */
export interface Refusal {
  readonly kind: string;
  /** What access was wanted to, without quotes: a path, a host:port, a variable, a command. */
  readonly target: string;
}

/**
 * A target is quoted ("a path, with commas"), or a word such as `<CWD>`: a quoted one may hold commas
 * and spaces, so it runs to its closing quote rather than to the first comma.
 */
const DENO = /Requires (\w+) access to (?:"((?:[^"\\]|\\.)*)"|(\S+?))(?:,|\.?\s|\.?$)/;

/** The least-privilege child's wording (see leastPrivilegeRefusal). */
const CHILD =
  /The run of model file .+ needs (\w+) access to "((?:[^"\\]|\\.)*)", which a least-privilege run/;

/** The refusal Deno describes in `text`, if any. */
export function parseRefusal(text: string): Refusal | undefined {
  const match = DENO.exec(text);
  if (!match) return undefined;
  return { kind: match[1]!, target: match[2] ?? match[3]! };
}

/**
 * What a model file's least-privilege child says about a refusal. It names the model file and what was
 * reached for; the parent follows it with how to grant more (src/cli/sandbox.ts). It says "the run" rather
 * than "the model": the child also refuses hvcheck's own reads outside the folders it was given (a
 * checkpoint whose files lie elsewhere), and only the model's own code is known to be the model's doing.
 */
export function leastPrivilegeRefusal(model: string, refusal: Refusal): string {
  return `The run of model file ${model} needs ${refusal.kind} access to ${
    JSON.stringify(refusal.target)
  }, which a least-privilege run does not grant.`;
}

/** The refusal a least-privilege child reported in `text` (its own wording, or Deno's), if any. */
export function reportedRefusal(text: string): Refusal | undefined {
  const child = CHILD.exec(text);
  if (child) return { kind: child[1]!, target: JSON.parse(`"${child[2]!}"`) as string };
  return parseRefusal(text);
}
