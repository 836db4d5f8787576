/**
 * The visited set split into one shard per worker: a state belongs to the shard its fingerprint names,
 * and only that shard's owner inserts it. Every place that routes a state or looks one up asks
 * `ownerOf`, so the rule is written once.
 *
 * @module
 */

import { snapshotReader, type VisitedReader, type VisitedSnapshot } from "../store/visited_set.ts";

/** The shard (and worker) that owns a state whose fingerprint's first word is `fp0`. */
export function ownerOf(fp0: number, shards: number): number {
  return shards === 1 ? 0 : (fp0 >>> 0) % shards;
}

/** Reads every shard: a state lives in the shard its fingerprint names. */
export function shardedReader(shards: readonly VisitedSnapshot[]): VisitedReader {
  const readers = shards.map(snapshotReader);
  const of = (fp: Uint32Array) => readers[ownerOf(fp[0]!, readers.length)]!;
  return { has: (words, offset, fp) => of(fp).has(words, offset, fp), touch: (fp) => of(fp).touch(fp) };
}
