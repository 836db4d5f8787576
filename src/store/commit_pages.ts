/**
 * Writes a zero into every memory page of part of a fresh typed array, before anything reads it.
 *
 * The kernel maps a page that is read before it is ever written to its shared zero page, and the
 * first write then replaces that mapping: a second page fault, and, because the old mapping may be
 * cached in the TLB of every core running one of the process's threads, an interrupt to each of them
 * that stops it until it has flushed. Hash tables are read at random before their slots are written
 * (lookups and rehashing probe empty slots), so with two worker threads nearly every page of the
 * visited set cost the other worker such an interrupt each time a table grew. A page written first is
 * mapped once, privately, and costs no one else anything. Only the visited set does it: its cost grows
 * with the run, the other tables' is paid once (src/store/recent_successors.ts). The shootdowns counted
 * are in bench/results/2026-12-02-search-in-pieces.md.
 *
 * @module
 */

/** Words of a 4 KiB page. */
const PAGE_WORDS = 1024;

/**
 * Writes 0 into every page holding a word of `array` from word `from` on (those words must still be
 * 0): a stride of one page from `from`, and the last word, touch each page the range spans.
 */
export function commitPages(array: Uint32Array, from = 0): void {
  for (let at = from; at < array.length; at += PAGE_WORDS) array[at] = 0;
  if (from < array.length) array[array.length - 1] = 0;
}
