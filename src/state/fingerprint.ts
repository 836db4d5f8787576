/**
 * 64-bit fingerprints of packed states.
 *
 * Two 32-bit lanes with independent constants (a MurmurHash3-style lane and an xxHash32-style lane),
 * each finished with the MurmurHash3 avalanche and then mixed into each other, so that every input bit
 * affects both halves. Only `Math.imul`, shifts and xors: no allocation, no BigInt. The result is written
 * into `out[0]` (high half) and `out[1]` (low half, which also picks the home slot of hash tables).
 *
 * @module
 */

const SEED_A = 0x9747b28c;
const SEED_B = 0x165667b1;

function avalanche(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Fingerprints `length` words of `words` starting at `offset` into `out[0]` (high) and `out[1]` (low).
 * The pair (0, 0) never occurs, so hash tables can use it to mark an empty slot.
 *
 * @example
 * ```ts
 * import { fingerprint } from "./fingerprint.ts";
 * const out = new Uint32Array(2);
 * fingerprint(Uint32Array.of(1, 2), 0, 2, out);
 * ```
 */
export function fingerprint(words: Uint32Array, offset: number, length: number, out: Uint32Array): void {
  let a = SEED_A ^ length;
  let b = SEED_B ^ Math.imul(length, 0x27d4eb2f);
  for (let i = offset, end = offset + length; i < end; i++) {
    const w = words[i]!;
    let k = Math.imul(w, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    a ^= Math.imul(k, 0x1b873593);
    a = (a << 13) | (a >>> 19);
    a = (Math.imul(a, 5) + 0xe6546b64) | 0;
    b = (b + Math.imul(w, 0xc2b2ae3d)) | 0;
    b = (b << 17) | (b >>> 15);
    b = Math.imul(b, 0x27d4eb2f);
  }
  a = avalanche(a);
  b = avalanche(b ^ a);
  a = avalanche(a ^ Math.imul(b, 0x9e3779b1));
  out[0] = a;
  out[1] = (a | b) === 0 ? 1 : b;
}
