/**
 * Checkpoints: everything a search needs to continue, written at a segment boundary, read back by
 * `--resume`.
 *
 * A checkpoint is a directory `checkpoint-<n>` inside the checkpoint folder: `meta.json` (model,
 * parameters, a hash of the model's code, settings, counters, findings, a fingerprint of every data
 * file, and a digest of all of that: a resume believes nothing that the digest does not cover, so one
 * changed digit in a counter or an erased finding is a corrupt checkpoint) and zlib-compressed data
 * files (parent ids, action indices, the visited states, the rest of the current level, the next level
 * so far). It is written under a temporary name, renamed into
 * place, and only then named in the folder's `latest` file (itself replaced atomically); older
 * checkpoints are removed last. A crash at any moment leaves `latest` naming a complete checkpoint.
 *
 * The data files are streams of 32-bit words, written and read a piece at a time: a checkpoint of a
 * run near its memory budget must not need a second copy of the run's arrays (a run stopped by its
 * budget writes one on the way out). A file is read twice on resume, first to check its fingerprint,
 * then to use it, so a corrupt checkpoint is refused before anything is restored from it.
 *
 * @module
 */

// Inline rather than through an import map, so mod.ts also works when imported from another project.
// deno-lint-ignore no-import-prefix
import { Unzlib, Zlib } from "npm:fflate@0.8.2";
import type { Value } from "../state/domain.ts";
import { InputError } from "../errors.ts";
import { fileProblem } from "../store/file_errors.ts";
import { fingerprint } from "../state/fingerprint.ts";
import { heartbeat } from "./heartbeat.ts";
import type { Finding } from "../store/keys.ts";
import type { ModelInstance } from "../model/model.ts";
import type { Counts } from "./search_types.ts";
import { writeFileAtomicSync } from "../store/write_atomic.ts";

const FORMAT = "hvcheck-checkpoint-4";

/** One of a checkpoint's arrays of 32-bit words, as pieces in order. */
export type WordStream = Iterable<Uint32Array>;

/** The state of a search at a segment boundary: its counts (`seconds`: those spent before the checkpoint) and arrays. */
export interface SearchState extends Counts {
  /** Id of the first state of `current`. */
  readonly currentFirstId: number;
  /** Id of the first state of the next level. */
  readonly nextFirstId: number;
  /** Per property, its finding so far (null: none). */
  readonly findings: readonly (Finding | null)[];
  /** Per action instance, how often it fired. */
  readonly fired: readonly number[];
  /** Parent id of every stored state, in id order. */
  readonly parents: WordStream;
  /** Action index of every stored state, in id order. */
  readonly actions: WordStream;
  /** Visited states: fingerprint pairs, or packed states in exact mode. */
  readonly visited: WordStream;
  /** The current level's states not yet expanded (W words each). */
  readonly current: WordStream;
  /** The next level so far. */
  readonly next: WordStream;
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
  return { model: instance.name, params: instance.params, source: hashText(instance.code), exact };
}

/** The 64-bit fingerprint of a text, in hex (the checkpoint's digest of its metadata). */
export function hashText(text: string): string {
  const bytes = new TextEncoder().encode(text);
  const words = new Uint32Array(Math.ceil(bytes.length / 4) + 1);
  new Uint8Array(words.buffer).set(bytes);
  words[words.length - 1] = bytes.length;
  const hasher = new WordHasher();
  hasher.push(words);
  return hasher.digest();
}

/**
 * A 64-bit fingerprint of a stream of words that does not depend on how the stream is cut into pieces:
 * blocks of 2^16 words are fingerprinted, and each block's fingerprint is folded into the running one.
 */
class WordHasher {
  static readonly BLOCK = 1 << 16;
  readonly #block = new Uint32Array(WordHasher.BLOCK);
  #filled = 0;
  #words = 0;
  readonly #state = new Uint32Array(5);
  readonly #out = new Uint32Array(2);

  get words(): number {
    return this.#words;
  }

  push(words: Uint32Array): void {
    for (let at = 0; at < words.length;) {
      const n = Math.min(words.length - at, WordHasher.BLOCK - this.#filled);
      this.#block.set(words.subarray(at, at + n), this.#filled);
      this.#filled += n;
      at += n;
      if (this.#filled === WordHasher.BLOCK) this.#fold();
    }
    this.#words += words.length;
  }

  #fold(): void {
    fingerprint(this.#block, 0, this.#filled, this.#out);
    const state = this.#state;
    state[2] = this.#out[0]!;
    state[3] = this.#out[1]!;
    state[4] = this.#filled;
    fingerprint(state, 0, 5, this.#out);
    state[0] = this.#out[0]!;
    state[1] = this.#out[1]!;
    this.#filled = 0;
  }

  digest(): string {
    this.#fold();
    const [hi, lo] = this.#state;
    return `${hi!.toString(16).padStart(8, "0")}${lo!.toString(16).padStart(8, "0")}`;
  }
}

const files = ["parents", "actions", "visited", "current", "next"] as const;

/**
 * The counters as meta.json keeps them. `distinct` is the file's name for `distinctStates`, kept so
 * that the format, and the checkpoints written in it, stay what they were.
 */
type SavedCounters = Omit<SearchState, (typeof files)[number] | "distinctStates"> & {
  readonly distinct: number;
};

function savedCounters(state: SearchState): SavedCounters {
  return {
    distinct: state.distinctStates,
    transitions: state.transitions,
    depth: state.depth,
    currentFirstId: state.currentFirstId,
    nextFirstId: state.nextFirstId,
    seconds: state.seconds,
    findings: state.findings,
    fired: state.fired,
  };
}

/** A data file's length, fingerprint, and whether it is stored raw rather than zlib-compressed. */
interface FileSum {
  readonly words: number;
  readonly hash: string;
  readonly raw?: boolean;
}

/**
 * Writes a stream of words into `path`, a piece at a time: zlib-compressed, or raw (the fingerprint
 * covers it either way). Raw writes the pieces as they are: a stored zlib stream would copy every
 * byte into new buffers, and a run stopped at its memory budget writes its checkpoint at the edge
 * of that budget, which copies of the visited set would overrun.
 */
function writeWords(path: string, pieces: WordStream, raw: boolean): FileSum {
  const file = Deno.openSync(path, { write: true, create: true, truncate: true });
  const write = (bytes: Uint8Array) => {
    for (let at = 0; at < bytes.length;) at += file.writeSync(bytes.subarray(at));
  };
  try {
    const hasher = new WordHasher();
    const zlib = raw ? undefined : new Zlib({ level: 1 }, write);
    for (const piece of pieces) {
      hasher.push(piece);
      const bytes = new Uint8Array(piece.buffer, piece.byteOffset, piece.byteLength);
      if (zlib) zlib.push(bytes);
      else write(bytes);
      heartbeat();
    }
    zlib?.push(new Uint8Array(0), true);
    return { words: hasher.words, hash: hasher.digest(), ...(raw ? { raw } : {}) };
  } finally {
    file.close();
  }
}

/** The words of a raw data file, a piece at a time. */
function* readRawWords(path: string): Generator<Uint32Array> {
  const file = Deno.openSync(path);
  try {
    const input = new Uint8Array(1 << 22);
    let carry = new Uint8Array(0);
    for (;;) {
      const n = file.readSync(input);
      if (n === null) break;
      const bytes = new Uint8Array(carry.length + n);
      bytes.set(carry);
      bytes.set(input.subarray(0, n), carry.length);
      const whole = bytes.length - (bytes.length % 4);
      carry = bytes.slice(whole);
      if (whole > 0) yield new Uint32Array(bytes.buffer, 0, whole / 4);
    }
    if (carry.length > 0) throw new Error("it does not hold whole words");
  } finally {
    file.close();
  }
}

/** The words of a compressed file, a piece at a time (pieces of any size, whole words). */
function* readWords(path: string): Generator<Uint32Array> {
  const file = Deno.openSync(path);
  try {
    const out: Uint8Array[] = [];
    const unzlib = new Unzlib((chunk) => out.push(chunk));
    const input = new Uint8Array(1 << 22);
    let carry = new Uint8Array(0);
    for (let done = false; !done;) {
      const n = file.readSync(input);
      done = n === null;
      unzlib.push(done ? new Uint8Array(0) : input.slice(0, n!), done);
      for (const chunk of out.splice(0)) {
        let bytes = chunk;
        if (carry.length > 0) {
          bytes = new Uint8Array(carry.length + chunk.length);
          bytes.set(carry);
          bytes.set(chunk, carry.length);
        }
        const whole = bytes.length - (bytes.length % 4);
        carry = bytes.slice(whole);
        if (whole > 0) yield new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + whole));
      }
    }
    if (carry.length > 0) throw new Error("it does not hold whole words");
  } finally {
    file.close();
  }
}

/** A stream cut into pieces of whole records of `words` words each (the last piece may be shorter). */
export function* recordsOf(stream: WordStream, words: number): Generator<Uint32Array> {
  let carry = new Uint32Array(0);
  for (const piece of stream) {
    let data = piece;
    if (carry.length > 0) {
      data = new Uint32Array(carry.length + piece.length);
      data.set(carry);
      data.set(piece, carry.length);
    }
    const whole = data.length - (data.length % words);
    carry = data.slice(whole);
    if (whole > 0) yield data.subarray(0, whole);
  }
  if (carry.length > 0) throw new InputError(`A checkpoint array ends in the middle of a record.`);
}

/**
 * The default checkpoint folder of a model instance: one per model, parameters and mode, so that runs
 * of one model with other parameters never replace each other's checkpoints.
 */
export function defaultCheckpointDir(identity: CheckpointIdentity, root = "out/checkpoints"): string {
  const safe = (text: string) => text.replace(/[^A-Za-z0-9_.=+-]/g, "_");
  const params = Object.entries(identity.params).map(([k, v]) => `${k}=${String(v)}`).join(",");
  let name = safe(params || "defaults") + (identity.exact ? "-exact" : "");
  if (name.length > 100 || name.startsWith(".")) name = `params-${hashText(params).slice(0, 12)}`;
  return `${root}/${safe(identity.model).replace(/^\.+/, "_")}/${name}`;
}

/** The names writeCheckpoint gives checkpoints: the only ones `latest` may name. */
const CHECKPOINT_NAME = /^checkpoint-\d+$/;

/**
 * The checkpoint `latest` names in `dir`, as `text` (the file's contents) gives it, or undefined when
 * it names anything but a checkpoint of this folder: a path such as `../../etc/x` or `/etc/x` would
 * have a resume read files outside the folder.
 */
export function latestName(text: string): string | undefined {
  const name = text.trim();
  return CHECKPOINT_NAME.test(name) ? name : undefined;
}

/** Leftovers of a run killed while it wrote a checkpoint into `dir`: partial checkpoints, temporary files. */
function leftovers(dir: string): string[] {
  let names: string[];
  try {
    names = [...Deno.readDirSync(dir)].map((e) => e.name);
  } catch {
    return [];
  }
  return names.filter((n) =>
    (n.startsWith(".partial-") && !n.startsWith(`.partial-${Deno.pid}-`)) ||
    (n.startsWith("latest.tmp-") && !n.startsWith(`latest.tmp-${Deno.pid}-`))
  );
}

/**
 * Prepares the checkpoint folder of a run: removes what a killed run left there, and refuses a folder
 * whose checkpoint is of another model, parameters or mode (writing there would replace it).
 */
export function prepareCheckpointDir(dir: string, identity: CheckpointIdentity): void {
  for (const name of leftovers(dir)) {
    try {
      Deno.removeSync(`${dir}/${name}`, { recursive: true });
    } catch {
      // removed by another run at the same moment, or not ours to remove: left as it is
    }
  }
  let latest: string | undefined;
  try {
    latest = latestName(Deno.readTextFileSync(`${dir}/latest`));
  } catch {
    return; // no checkpoint there yet
  }
  if (latest === undefined) return; // names no checkpoint of this folder: the next one replaces it
  let saved: CheckpointIdentity | undefined;
  try {
    saved = JSON.parse(Deno.readTextFileSync(`${dir}/${latest}/meta.json`)).identity;
  } catch {
    return; // a damaged checkpoint: the next one replaces it
  }
  if (
    saved &&
    (saved.model !== identity.model || JSON.stringify(saved.params) !== JSON.stringify(identity.params) ||
      saved.exact !== identity.exact)
  ) {
    throw new InputError(
      `Checkpoint folder ${dir} holds a checkpoint of ${describeIdentity(saved)}, and this run is of ${
        describeIdentity(identity)
      }: its checkpoints would replace that one. Choose another --checkpoint folder.`,
    );
  }
}

/** Writes a checkpoint into `dir`; returns the checkpoint's path. A failure leaves the previous one. */
export function writeCheckpoint(dir: string, identity: CheckpointIdentity, state: SearchState): string {
  let partial: string | undefined;
  try {
    Deno.mkdirSync(dir, { recursive: true });
    const existing = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => CHECKPOINT_NAME.test(n));
    const sequence = Math.max(0, ...existing.map((n) => Number(n.slice("checkpoint-".length)))) + 1;
    partial = `${dir}/.partial-${Deno.pid}-${sequence}`;
    const name = `checkpoint-${sequence}`;
    Deno.mkdirSync(partial, { recursive: true });
    const sums: Record<string, FileSum> = {};
    for (const file of files) {
      // Fingerprints are uniformly random: deflate cannot shrink them, only spend seconds trying, so
      // they are stored raw.
      sums[file] = writeWords(`${partial}/${file}.z`, state[file], file === "visited" && !identity.exact);
    }
    const meta = { format: FORMAT, identity, counters: savedCounters(state), files: sums };
    Deno.writeTextFileSync(
      `${partial}/meta.json`,
      JSON.stringify({ ...meta, digest: hashText(JSON.stringify(meta)) }, null, 1),
    );
    Deno.renameSync(partial, `${dir}/${name}`);
    partial = undefined;
    writeFileAtomicSync(`${dir}/latest`, `${name}\n`);
    for (const old of existing) Deno.removeSync(`${dir}/${old}`, { recursive: true });
    return `${dir}/${name}`;
  } catch (error) {
    if (partial !== undefined) {
      try {
        Deno.removeSync(partial, { recursive: true });
      } catch {
        // the folder itself is gone or read-only: the next run cleans it
      }
    }
    throw fileProblem(error, `Could not write a checkpoint into ${dir}`) ?? error;
  }
}

/** The shape of the counters a checkpoint restores (their values are checked against the data on resume). */
function checkCounters(path: string, counters: unknown): void {
  const c = counters as Record<string, unknown>;
  const natural = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0;
  const bad = (what: string) => new InputError(`Checkpoint ${path} is corrupt: ${what}.`);
  if (typeof c !== "object" || c === null) throw bad("it has no counters");
  for (const key of ["distinct", "transitions", "depth", "currentFirstId", "nextFirstId"]) {
    if (!natural(c[key])) throw bad(`counter ${key} is ${JSON.stringify(c[key])}`);
  }
  if (typeof c.seconds !== "number" || !(c.seconds >= 0)) {
    throw bad(`seconds is ${JSON.stringify(c.seconds)}`);
  }
  if (
    (c.currentFirstId as number) > (c.nextFirstId as number) ||
    (c.nextFirstId as number) > (c.distinct as number)
  ) {
    throw bad("its level boundaries are out of order");
  }
  if (!Array.isArray(c.fired) || !c.fired.every(natural)) throw bad("its action counts are malformed");
  if (!Array.isArray(c.findings)) throw bad("its findings are malformed");
  c.findings.forEach((f: unknown, i: number) => {
    if (f === null) return;
    const finding = f as Record<string, unknown>;
    if (
      typeof f !== "object" || finding.property !== i || !natural(finding.parent) ||
      !natural(finding.action) ||
      !natural(finding.length)
    ) {
      throw bad(`finding #${i} is malformed (${JSON.stringify(f)})`);
    }
  });
}

function describeIdentity(identity: CheckpointIdentity): string {
  return `model ${identity.model} with ${JSON.stringify(identity.params)}${
    identity.exact ? " in exact mode" : ""
  }`;
}

/**
 * Refuses a symbolic link inside checkpoint folder `dir`: writeCheckpoint makes none, and one could
 * lead a resume to read files outside the folder. A path that does not exist is left to the read.
 */
function refuseLink(path: string, dir: string): void {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(path);
  } catch {
    return;
  }
  if (info.isSymlink) {
    throw new InputError(
      `Checkpoint folder ${dir} is corrupt: ${path} is a symbolic link, which hvcheck never writes; it is not read.`,
    );
  }
}

/** Reads the latest checkpoint in `dir`, refusing one of another model, parameters or settings. */
export async function readCheckpoint(dir: string, identity: CheckpointIdentity): Promise<SearchState> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${dir}/latest`);
  } catch {
    throw new InputError(`No checkpoint to resume in ${dir} (it has no "latest" file).`);
  }
  const name = latestName(text);
  if (name === undefined) {
    throw new InputError(
      `Checkpoint folder ${dir} is corrupt: its "latest" file names ${
        JSON.stringify(text.trim().slice(0, 200))
      }, which is not a checkpoint in that folder (checkpoint-N); nothing outside the folder is read.`,
    );
  }
  const path = `${dir}/${name}`;
  refuseLink(path, dir);
  refuseLink(`${path}/meta.json`, dir);
  let meta: {
    format: string;
    identity: CheckpointIdentity;
    counters: SavedCounters;
    files: Record<string, FileSum>;
    digest?: unknown;
  };
  try {
    meta = JSON.parse(await Deno.readTextFile(`${path}/meta.json`));
  } catch (error) {
    throw new InputError(`Checkpoint ${path} is unreadable: ${(error as Error).message}`);
  }
  if (typeof meta !== "object" || meta === null || meta.format !== FORMAT) {
    throw new InputError(`Checkpoint ${path} has format ${meta?.format}, not ${FORMAT}.`);
  }
  // Everything below is believed only if the digest over all of it matches.
  const { digest, ...covered } = meta;
  if (digest !== hashText(JSON.stringify(covered))) {
    throw new InputError(
      `Checkpoint ${path} is corrupt: meta.json does not match its digest (a counter, a finding or a ` +
        `file's fingerprint was changed after it was written).`,
    );
  }
  checkCounters(path, meta.counters);
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
  const streams: Partial<Record<(typeof files)[number], WordStream>> = {};
  for (const file of files) {
    const expected = meta.files[file];
    const at = `${path}/${file}.z`;
    refuseLink(at, dir);
    const corrupt = () =>
      new InputError(`Checkpoint ${path}: ${file}.z is corrupt (its contents do not match meta.json).`);
    if (!expected) throw corrupt();
    const check = (pieces: WordStream): Generator<Uint32Array> =>
      (function* () {
        const hasher = new WordHasher();
        try {
          for (const piece of pieces) {
            hasher.push(piece);
            if (hasher.words > expected.words) throw corrupt();
            yield piece;
          }
        } catch (error) {
          if (error instanceof InputError) throw error;
          throw new InputError(`Checkpoint ${path}: ${file}.z is unreadable (${(error as Error).message}).`);
        }
        if (hasher.words !== expected.words || hasher.digest() !== expected.hash) throw corrupt();
      })();
    // First pass: refuse a corrupt file before anything is restored from it.
    const read = expected.raw === true ? readRawWords : readWords;
    for (const _ of check(read(at))) { /* only the fingerprint */ }
    // Second pass, while the search restores: checked again, in case the file changed in between.
    streams[file] = { [Symbol.iterator]: () => check(read(at)) };
  }
  const { distinct, ...counters } = meta.counters;
  return {
    distinctStates: distinct,
    ...counters,
    ...(streams as Record<(typeof files)[number], WordStream>),
  };
}
