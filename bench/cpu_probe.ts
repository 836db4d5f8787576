/**
 * How much two cores of this machine give right now: a compute loop (no memory traffic to speak of)
 * run alone, then as two processes at once. On a dedicated 2-core machine two copies take as long as
 * one and the ratio is 2; on a cloud host whose vCPUs share physical cores with other tenants it
 * drops (1.45-2.0 measured here within one hour), and no parallel program can beat it.
 *
 * @module
 */

/** The loop: about a second on this machine. */
const SPIN =
  `let x = 1; for (let i = 0; i < 3e8; i++) x = (x * 1103515245 + 12345) | 0; if (x === 42) console.log(x);`;

async function spin(): Promise<number> {
  const started = performance.now();
  const { code } = await new Deno.Command(Deno.execPath(), { args: ["eval", SPIN], stdout: "null" }).output();
  if (code !== 0) throw new Error(`the compute probe exited ${code}`);
  return (performance.now() - started) / 1000;
}

/** Throughput of two copies of the loop at once against one alone (2 = two full cores). */
export async function parallelCeiling(): Promise<number> {
  const alone = await spin();
  const pair = await Promise.all([spin(), spin()]);
  return (2 * alone) / Math.max(...pair);
}

if (import.meta.main) console.log((await parallelCeiling()).toFixed(2));
