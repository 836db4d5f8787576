/**
 * How the workers share out a segment in the expand phase. The segment is cut into one contiguous
 * region per worker; a worker claims blocks of its own region in order, through a counter per region
 * that every worker can advance, then helps the others with the rest of theirs. So nobody waits for
 * another's harder region, and neighbouring states, which share successors, stay on one worker, where
 * its table of recent successors drops their duplicates; the small blocks let the workers finish
 * together.
 *
 * @module
 */

/** The shared counters and the segment they share out. */
export interface ClaimTask {
  /** The next unclaimed state of each region, shared by the workers. */
  readonly claim: Int32Array;
  /** States in the segment. */
  readonly size: number;
  /** States claimed at a time. */
  readonly block: number;
}

/** Where region `region` of `regions` starts in a segment of `size` states. */
function regionStart(region: number, regions: number, size: number): number {
  return Math.floor((region * size) / regions);
}

/** Sets every region's counter to the region's start, for a segment of `size` states. */
export function resetClaims(claim: Int32Array, size: number): void {
  for (let region = 0; region < claim.length; region++) {
    claim[region] = regionStart(region, claim.length, size);
  }
}

/** One worker's claims: its own region first, then the others' in turn. */
export class BlockClaims {
  readonly #worker: number;
  readonly #workers: number;
  /** The block the last successful `next` claimed, as offsets in the segment. */
  start = 0;
  end = 0;

  constructor(worker: number, workers: number) {
    this.#worker = worker;
    this.#workers = workers;
  }

  /** Claims the next block of the segment into `start` and `end`; false when none is left. */
  next(task: ClaimTask): boolean {
    const workers = this.#workers;
    for (let k = 0; k < workers; k++) {
      const region = (this.#worker + k) % workers;
      const regionEnd = regionStart(region + 1, workers, task.size);
      if (Atomics.load(task.claim, region) >= regionEnd) continue;
      const start = Atomics.add(task.claim, region, task.block);
      if (start >= regionEnd) continue;
      this.start = start;
      this.end = Math.min(regionEnd, start + task.block);
      return true;
    }
    return false;
  }
}
