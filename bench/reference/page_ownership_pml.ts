/**
 * Promela (SPIN) text of the page_ownership reference model.
 *
 * Every action is a single `d_step` option of one `do` loop in one process, so each model action is
 * exactly one SPIN transition and the process counter never distinguishes states: SPIN's stored states
 * are the model's states. Byte encodings are chosen so the all-zero initial state vector is the model's
 * initial state (no initialisation step, which would add a state).
 */

/** Model parameters shared by the Promela and Murphi generators. */
export interface PageOwnershipOptions {
  /** Only start kexec when no page is host-mapped (the fix). */
  readonly fixed: boolean;
  /** Check the invariant "a host-mapped page is owned as shared". */
  readonly check: boolean;
}

/** Checks a page count; both generators share it. */
export function assertPages(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new RangeError(`pages must be an integer in 1..64, got ${n}`);
  }
}

export function promela(n: number, options: PageOwnershipOptions): string {
  assertPages(n);
  const pages = Array.from({ length: n }, (_, i) => i);
  // SPIN has no invariant construct that keeps the state count exact (a monitor process or a never claim
  // adds states or steps), so the invariant is asserted at the end of every state-changing action.
  // The initial state satisfies it trivially (no page is host-mapped).
  const assertInv = options.check ? "; assert(inv)" : "";
  const lines: string[] = [
    `/* page_ownership: pages=${n} fixed=${options.fixed} check=${options.check} */`,
    `#define N ${n}`,
    "#define FREE 0",
    "#define GUEST 1",
    "#define SHARED 2",
    "",
    "byte owner[N];   /* FREE | GUEST | SHARED */",
    "bit host[N];     /* page is mapped by the host */",
    "bit gen;         /* guest generation */",
    "bit pending;     /* phase: 0 = running, 1 = kexec_pending */",
    "",
  ];
  if (options.check) {
    const conjuncts = pages.map((i) => `(!host[${i}] || owner[${i}] == SHARED)`);
    lines.push(`#define inv (${conjuncts.join(" && ")})`, "");
  }
  lines.push("active proctype machine() {", "  do");
  for (const i of pages) {
    const o = `owner[${i}]`;
    const h = `host[${i}]`;
    lines.push(
      `  :: d_step { !pending && ${o} == FREE -> ${o} = GUEST${assertInv} }   /* alloc ${i} */`,
      `  :: d_step { !pending && ${o} == GUEST -> ${o} = SHARED; ${h} = 1${assertInv} }   /* share ${i} */`,
      `  :: d_step { ${h} -> ${h} = 0${assertInv} }   /* unmap ${i} */`,
      `  :: d_step { !pending && ${o} == SHARED && !${h} -> ${o} = GUEST${assertInv} }   /* revoke ${i} */`,
      `  :: d_step { !pending && ${o} == GUEST -> ${o} = FREE${assertInv} }   /* free ${i} */`,
      `  :: d_step { ${h} -> skip }   /* host_write ${i}: a self-loop */`,
    );
  }
  const noHostMapping = options.fixed ? pages.map((i) => ` && !host[${i}]`).join("") : "";
  const freeAll = pages.map((i) => `owner[${i}] = FREE; `).join("");
  lines.push(
    `  :: d_step { !pending${noHostMapping} -> pending = 1${assertInv} }   /* kexec_start */`,
    `  :: d_step { pending -> ${freeAll}gen = 1 - gen; pending = 0${assertInv} }   /* kexec_complete */`,
    "  od",
    "}",
    "",
  );
  return lines.join("\n");
}
