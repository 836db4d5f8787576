import assert from "node:assert/strict";
import { ChunkPool, FrontierStore } from "./frontier_store.ts";

/** A level's pieces as one array. */
function all(store: FrontierStore): Uint32Array {
  // A piece is valid until the next one is asked for: copy each as it comes.
  const pieces = Array.from(store.pieces(), (piece) => piece.slice());
  const out = new Uint32Array(pieces.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

/** States 0..count-1 of width 3, each word derived from the state's number. */
function states(from: number, count: number): Uint32Array {
  const out = new Uint32Array(count * 3);
  for (let i = 0; i < count; i++) out.set([from + i, (from + i) * 7, ~(from + i)], i * 3);
  return out;
}

/** Reads the whole store segment by segment, releasing each, as the search does. */
function drain(store: FrontierStore): number[] {
  const seen: number[] = [];
  for (let segment = store.first(); segment !== undefined; segment = store.first()) {
    assert.equal(segment.length % 3, 0);
    for (let at = 0; at < segment.length; at += 3) {
      const n: number = segment.data[at]!;
      assert.deepEqual([...segment.data.subarray(at, at + 3)], [n, n * 7, ~n >>> 0]);
      seen.push(n);
    }
    store.releaseFirst();
  }
  return seen;
}

Deno.test("a level in memory reads back in order, a chunk per segment, and returns its chunks to the pool", () => {
  const pool = new ChunkPool(3, 100, { shared: false });
  const level = new FrontierStore(pool, { memoryLimit: Infinity, spillDir: () => "/nonexistent" });
  level.append(states(0, 250), 0, 250);
  for (let i = 250; i < 1000; i++) level.append(states(i, 1), 0, 1);
  assert.equal(level.length, 1000);
  assert.equal(level.first()!.length, 300);
  assert.deepEqual(all(level).subarray(0, 6), states(0, 2));
  const bytes = pool.bytes;
  assert.deepEqual(drain(level), Array.from({ length: 1000 }, (_, i) => i));
  assert.equal(level.length, 0);
  // The next level of the same size reuses the released chunks.
  const next = new FrontierStore(pool, { memoryLimit: Infinity, spillDir: () => "/nonexistent" });
  next.append(states(0, 1000), 0, 1000);
  assert.equal(pool.bytes, bytes);
});

Deno.test("a level past its memory limit spills whole chunks and reads them back in order", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const pool = new ChunkPool(3, 64, { shared: true });
    const level = new FrontierStore(pool, { memoryLimit: 2 * 64 * 3 * 4, spillDir: () => dir });
    level.append(states(0, 1000), 0, 1000);
    const usage = level.usage;
    assert.equal(usage.states, 1000);
    assert.ok(
      usage.spilledStates >= 1000 - 3 * 64 && usage.spilledStates % 64 === 0,
      `${usage.spilledStates}`,
    );
    assert.ok(usage.memoryBytes <= 3 * 64 * 3 * 4);
    assert.ok(usage.spilledBytes > 0);
    assert.deepEqual(all(level), states(0, 1000));
    level.releaseFirst();
    assert.deepEqual(all(level), states(64, 1000 - 64));
    assert.deepEqual(drain(level), Array.from({ length: 1000 - 64 }, (_, i) => i + 64));
    assert.deepEqual([...Deno.readDirSync(dir)], [], "released chunks leave no files behind");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("disposing a level removes its spilled chunks", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const pool = new ChunkPool(3, 16, { shared: false });
    const level = new FrontierStore(pool, { memoryLimit: 0, spillDir: () => dir });
    level.append(states(0, 100), 0, 100);
    assert.ok([...Deno.readDirSync(dir)].length > 0);
    level.dispose();
    assert.equal(level.length, 0);
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
