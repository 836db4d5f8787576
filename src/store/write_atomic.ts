/**
 * Writes a file whole or not at all: the text goes to a temporary file in the same directory, which is
 * then renamed over the target (rename is atomic within a file system). A crash or an error leaves
 * either the old file or the new one, never a truncated mix.
 *
 * @module
 */

/** Writes `text` to `path` atomically, creating parent directories. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const slash = path.lastIndexOf("/");
  const dir = slash > 0 ? path.slice(0, slash) : ".";
  await Deno.mkdir(dir, { recursive: true });
  const temp = `${path}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.writeTextFile(temp, text);
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}

/** Writes `text` to `path` atomically (synchronously), creating parent directories. */
export function writeFileAtomicSync(path: string, text: string): void {
  const slash = path.lastIndexOf("/");
  Deno.mkdirSync(slash > 0 ? path.slice(0, slash) : ".", { recursive: true });
  const temp = `${path}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  try {
    Deno.writeTextFileSync(temp, text);
    Deno.renameSync(temp, path);
  } catch (error) {
    try {
      Deno.removeSync(temp);
    } catch {
      // the temporary file was never created
    }
    throw error;
  }
}
