/**
 * Scratch copies of the repository that mutants are planted in. Each parallel job owns one copy; a mutant
 * rewrites one model file, the gates run in the copy, and the file is put back before the next mutant, so
 * the working tree itself is never touched.
 *
 * @module
 */

import { join, relative, resolve } from "node:path";
import { applyMutant, type Mutant } from "./mutant.ts";

/** What a gate run needs: the program, the engine, the models and their gates. */
const copied = ["main.ts", "mod.ts", "deno.json", "deno.lock", "src", "models", "checks"] as const;

async function copyTree(from: string, to: string): Promise<void> {
  const info = await Deno.stat(from);
  if (!info.isDirectory) return Deno.copyFile(from, to);
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    await copyTree(join(from, entry.name), join(to, entry.name));
  }
}

/** One scratch copy of the repository at `root`. */
export class ScratchTree {
  private constructor(readonly root: string) {}

  /** Copies what a gate run needs from `repository` into a new folder under `parent`. */
  static async create(repository: string, parent: string, name: string): Promise<ScratchTree> {
    const root = join(parent, name);
    await Deno.mkdir(root, { recursive: true });
    for (const entry of copied) {
      const from = join(repository, entry);
      try {
        await Deno.stat(from);
      } catch {
        continue; // deno.lock is absent in a repository without npm dependencies
      }
      await copyTree(from, join(root, entry));
    }
    return new ScratchTree(root);
  }

  /** The path of `file` in this copy; refuses a path outside models/. */
  private pathOf(m: Mutant): string {
    const path = resolve(this.root, m.file);
    const inside = relative(join(this.root, "models"), path);
    if (inside.startsWith("..") || inside === "" || !m.file.endsWith(".ts")) {
      throw new TypeError(`Mutant ${m.name}: ${m.file} is not a model file under models/`);
    }
    return path;
  }

  /** Runs `body` with the mutant planted, putting the file back afterwards whatever happens. */
  async withMutant<T>(m: Mutant, body: () => Promise<T>): Promise<T> {
    const path = this.pathOf(m);
    const original = await Deno.readTextFile(path);
    await Deno.writeTextFile(path, applyMutant(original, m));
    try {
      return await body();
    } finally {
      await Deno.writeTextFile(path, original);
    }
  }
}
