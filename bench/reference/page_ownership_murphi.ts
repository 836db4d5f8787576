/**
 * Murphi (Rumur) text of the page_ownership reference model: one ruleset over the pages plus the two
 * global kexec rules, so Rumur's "rules fired" counts every enabled action instance, self-loops included.
 */
import { assertPages, type PageOwnershipOptions } from "./page_ownership_pml.ts";

export interface MurphiOptions extends PageOwnershipOptions {
  /**
   * Declare the pages as a scalarset so Rumur can apply symmetry reduction. The runner still chooses the
   * reduction mode: Rumur applies its heuristic reduction to scalarsets by default.
   */
  readonly symmetry?: boolean;
}

export function murphi(n: number, options: MurphiOptions): string {
  assertPages(n);
  const pageType = options.symmetry ? "scalarset(N)" : "0 .. N - 1";
  const kexecGuard = options.fixed
    ? "phase = Running & forall p: Page do !host[p] endforall"
    : "phase = Running";
  const text = `-- page_ownership: pages=${n} fixed=${options.fixed} check=${options.check}${
    options.symmetry ? " symmetry" : ""
  }
const
  N: ${n};

type
  Page: ${pageType};
  Owner: enum { Free, Guest, Shared };
  Phase: enum { Running, KexecPending };

var
  owner: array [Page] of Owner;
  host: array [Page] of boolean;   -- page is mapped by the host
  gen: 0 .. 1;                     -- guest generation
  phase: Phase;

startstate "init"
begin
  for p: Page do
    owner[p] := Free;
    host[p] := false;
  end;
  gen := 0;
  phase := Running;
end;

ruleset p: Page do
  rule "alloc" phase = Running & owner[p] = Free ==>
  begin owner[p] := Guest; end;

  rule "share" phase = Running & owner[p] = Guest ==>
  begin owner[p] := Shared; host[p] := true; end;

  rule "unmap" host[p] ==>
  begin host[p] := false; end;

  rule "revoke" phase = Running & owner[p] = Shared & !host[p] ==>
  begin owner[p] := Guest; end;

  rule "free" phase = Running & owner[p] = Guest ==>
  begin owner[p] := Free; end;

  -- changes nothing: a self-loop that still counts as a fired rule
  rule "host_write" host[p] ==>
  begin end;
end;

rule "kexec_start" ${kexecGuard} ==>
begin phase := KexecPending; end;

-- host mappings survive the reset: that is the bug the invariant catches
rule "kexec_complete" phase = KexecPending ==>
begin
  for p: Page do owner[p] := Free; end;
  gen := 1 - gen;
  phase := Running;
end;
`;
  const invariant = `
invariant "host_mapped_is_shared"
  forall p: Page do host[p] -> owner[p] = Shared endforall;
`;
  return options.check ? text + invariant : text;
}
