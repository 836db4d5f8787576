/**
 * Checkpoints: everything a search needs to continue, written at a segment boundary, read back by
 * `--resume`.
 *
 * A checkpoint is a directory `checkpoint-<n>` inside the checkpoint folder: `meta.json` (model,
 * parameters, a hash of the model's code, settings, counters, findings, and a fingerprint of every
 * data file) and zlib-compressed data files (parent ids, action indices, the visited states, the rest
 * of the current level, the next level so far). It is written under a temporary name, renamed into
 * place, and only then named in the folder's `latest` file (itself replaced atomically); older
 * checkpoints are removed last. A crash at any moment leaves `latest` naming a complete checkpoint.
 *
 * @module
 */

// Inline rather than through an import map, so mod.ts also works when imported from another project.
// deno-lint-ignore no-import-prefix
import { unzlibSync, zlibSync } from "npm:fflate@0.8.2";
import type { Value } from "./domain.ts";
import { InputError } from "./errors.ts";
import { fingerprint } from "./fingerprint.ts";
import type { Finding } from "./level_worker.ts";
import type { ModelInstance } from "./model.ts";
import { writeFileAtomicSync } from "./write_atomic.ts";

const FORMAT = "hvcheck-checkpoint-2";

/** The state of a search at a segment boundary. */
export interface SearchState {
  readonly distinct: number;
  readonly transitions: number;
  readonly depth: number;
  /** Id of the first state of `current`. */
  readonly currentFirstId: number;
  /** Id of the first state of the next level. */
  readonly nextFirstId: number;
  /** Seconds spent before this checkpoint. */
  readonly seconds: number;
  readonly findings: readonly (Finding | null)[];
  readonly fired: readonly number[];
  readonly parents: Uint32Array;
  readonly actions: Uint32Array;
  /** Visited states: fingerprint pairs, or packed states in exact mode. */
  readonly visited: Uint32Array;
  /** The current level's states not yet expanded (W words each). */
  readonly current: Uint32Array;
  /** The next level so far. */
  readonly next: Uint32Array;
}

/** What a checkpoint must match to be resumed. */
export interface CheckpointIdentity {
  readonly model: string;
  readonly params: Readonly<Record<string, Value>>;
  /** Hash of the model's code and state layout. */
  readonly source: string;
  readonly exact: boolean;
}

/** The identity of a model instance under given settings. */
export function identityOf(instance: ModelInstance, exact: boolean): CheckpointIdentity {
  const code = [
    instance.model.spec.state.toString(),
    ...instance.inits.map((f) => f.toString()),
    ...instance.actions.map((a) => `${a.text}:${a.guard?.toString()}:${a.effect.toString()}:${a.background}`),
    ...instance.properties.map((p) => `${p.kind}:${p.name}:${p.predicate.toString()}`),
    String(instance.model.spec.terminal),
    String(instance.model.spec.withinBoundary),
    JSON.stringify(instance.domain),
    String(instance.deadlock),
  ].join("\n");
  return { model: instance.name, params: instance.params, source: hashText(code), exact };
}

function hashText(text: string): string {
  const bytes = new TextEncoder().encode(text);
  const words = new Uint32Array(Math.ceil(bytes.length / 4) + 1);
  new Uint8Array(words.buffer).set(bytes);
  words[words.length - 1] = bytes.length;
  return hashWords(words);
}

function hashWords(words: Uint32Array): string {
  const out = new Uint32Array(2);
  fingerprint(words, 0, words.length, out);
  return `${out[0]!.toString(16).padStart(8, "0")}${out[1]!.toString(16).padStart(8, "0")}`;
}

const files = ["parents", "actions", "visited", "current", "next"] as const;

/** Writes a checkpoint into `dir`; returns the checkpoint's path. */
export function writeCheckpoint(dir: string, identity: CheckpointIdentity, state: SearchState): string {
  Deno.mkdirSync(dir, { recursive: true });
  const existing = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => /^checkpoint-\d+$/.test(n));
  const sequence = Math.max(0, ...existing.map((n) => Number(n.slice("checkpoint-".length)))) + 1;
  const partial = `${dir}/.partial-${Deno.pid}-${sequence}`;
  const name = `checkpoint-${sequence}`;
  Deno.mkdirSync(partial, { recursive: true });
  const sums: Record<string, { words: number; hash: string }> = {};
  for (const file of files) {
    const words = state[file];
    sums[file] = { words: words.length, hash: hashWords(words) };
    const bytes = new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
    Deno.writeFileSync(`${partial}/${file}.z`, zlibSync(bytes, { level: 1 }));
  }
  const { parents: _p, actions: _a, visited: _v, current: _c, next: _n, ...counters } = state;
  Deno.writeTextFileSync(
    `${partial}/meta.json`,
    JSON.stringify({ format: FORMAT, identity, counters, files: sums }, null, 1),
  );
  Deno.renameSync(partial, `${dir}/${name}`);
  writeFileAtomicSync(`${dir}/latest`, `${name}\n`);
  for (const old of existing) Deno.removeSync(`${dir}/${old}`, { recursive: true });
  return `${dir}/${name}`;
}

function describeIdentity(identity: CheckpointIdentity): string {
  return `model ${identity.model} with ${JSON.stringify(identity.params)}${
    identity.exact ? " in exact mode" : ""
  }`;
}

/** Reads the latest checkpoint in `dir`, refusing one of another model, parameters or settings. */
export async function readCheckpoint(dir: string, identity: CheckpointIdentity): Promise<SearchState> {
  let name: string;
  try {
    name = (await Deno.readTextFile(`${dir}/latest`)).trim();
  } catch {
    throw new InputError(`No checkpoint to resume in ${dir} (it has no "latest" file).`);
  }
  const path = `${dir}/${name}`;
  let meta: {
    format: string;
    identity: CheckpointIdentity;
    counters: Omit<SearchState, (typeof files)[number]>;
    files: Record<string, { words: number; hash: string }>;
  };
  try {
    meta = JSON.parse(await Deno.readTextFile(`${path}/meta.json`));
  } catch (error) {
    throw new InputError(`Checkpoint ${path} is unreadable: ${(error as Error).message}`);
  }
  if (meta.format !== FORMAT) {
    throw new InputError(`Checkpoint ${path} has format ${meta.format}, not ${FORMAT}.`);
  }
  const saved = meta.identity;
  if (saved.model !== identity.model || JSON.stringify(saved.params) !== JSON.stringify(identity.params)) {
    throw new InputError(
      `Checkpoint ${path} is of ${describeIdentity(saved)}, not ${
        describeIdentity(identity)
      }; it cannot be resumed.`,
    );
  }
  if (saved.source !== identity.source) {
    throw new InputError(
      `Checkpoint ${path} was written by a different version of model ${identity.model}'s code.`,
    );
  }
  if (saved.exact !== identity.exact) {
    throw new InputError(
      `Checkpoint ${path} was written ${saved.exact ? "with" : "without"} --exact; resume it the same way.`,
    );
  }
  const data: Partial<Record<(typeof files)[number], Uint32Array>> = {};
  for (const file of files) {
    const expected = meta.files[file];
    let words: Uint32Array;
    try {
      const bytes = unzlibSync(await Deno.readFile(`${path}/${file}.z`));
      words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice();
    } catch (error) {
      throw new InputError(`Checkpoint ${path}: ${file}.z is unreadable (${(error as Error).message}).`);
    }
    if (!expected || words.length !== expected.words || hashWords(words) !== expected.hash) {
      throw new InputError(`Checkpoint ${path}: ${file}.z is corrupt (its contents do not match meta.json).`);
    }
    data[file] = words;
  }
  return { ...meta.counters, ...(data as Record<(typeof files)[number], Uint32Array>) };
}
