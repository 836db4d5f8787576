import assert from "node:assert/strict";
import { checkInstanceParallel, checkSync } from "./check.ts";
import { InputError } from "../errors.ts";
import { libraryOf } from "../testdata/library.ts";
import { TracedError } from "../trace/failure_site.ts";
import { sampled } from "../search/samples.ts";
import { bool, int } from "../state/domain.ts";
import { defineModel, instantiate } from "../model/model.ts";
import {
  closureCounter,
  mutableGlobalGuard,
  randomEffect,
  writingGuard,
  writingTransition,
} from "../testdata/trace_models.ts";
import { moduleRandom, moduleRandomLimit } from "../testdata/module_random.ts";
import { threadDependent } from "../testdata/thread_dependent.ts";
import { loadModel } from "../load/load_model.ts";

const advice = /Guards, effects and properties must depend only on the state and the action's parameters/;

/** Asserts that `run` fails with an InputError carrying the run to the state where it was seen. */
function seen(run: () => unknown, pattern: RegExp): TracedError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof TracedError, String(caught));
  assert.match(caught.message, pattern);
  assert.ok(caught.trace, "the error carries the run to the state");
  return caught;
}

Deno.test("an effect that calls Math.random() is refused where it calls it, on every run", () => {
  for (let run = 0; run < 5; run++) {
    seen(
      () => checkSync(randomEffect),
      /Model random_effect, action roll at depth 0, threw RandomnessError: it called Math\.random\(\).*\(at src\/testdata\/trace_models\.ts:\d+:\d+\)/,
    );
  }
});

Deno.test("the search sees an effect that counts its calls in a closure", () => {
  seen(
    () => checkSync(closureCounter()),
    /closure_counter is nondeterministic: .*action step leads to different states/,
  );
});

Deno.test("the search sees a guard that reads a global variable its effects write", () => {
  seen(
    () => checkSync(mutableGlobalGuard()),
    /mutable_global_guard is nondeterministic: .*action fire was enabled the first time and is disabled the second/,
  );
});

Deno.test("a guard or transition property that writes the state is named as exactly that", () => {
  seen(
    () => checkSync(writingGuard),
    /writing_guard: the guard of action inc wrote variable \w+, but guards, properties/,
  );
  seen(
    () => checkSync(writingTransition),
    /writing_transition: the property marks on action inc wrote variable \w+, but guards, properties/,
  );
});

Deno.test("a terminal predicate that writes the state is named, in a model that never deadlocks too", () => {
  const writingTerminal = (toggles: boolean) =>
    defineModel({
      name: "writing_terminal",
      params: {},
      state: () => ({ x: int(0, 3), flag: bool }),
      init: () => {},
      actions: (_p, { action }) => [
        action("inc", { guard: (s) => s.x < 3, effect: (s) => void (s.x = s.x + 1) }),
        ...(toggles ? [action("toggle", { effect: (s) => void (s.flag = !s.flag) })] : []),
      ],
      terminal: (s) => {
        (s as unknown as { flag: boolean }).flag = true;
        return false;
      },
    });
  for (const toggles of [false, true]) {
    seen(
      () => checkSync(writingTerminal(toggles)),
      /^Model writing_terminal: the terminal predicate wrote variable flag, but guards, properties, terminal and withinBoundary see the state read-only .*\(at .*nondeterminism_test\.ts:\d+:\d+\)/,
    );
  }
});

Deno.test("the sample is every one of the first states, then a fixed one in a thousand", () => {
  for (let id = 0; id < 4096; id++) assert.ok(sampled(id));
  let count = 0;
  for (let id = 4096; id < 4096 + (1 << 20); id++) if (sampled(id)) count++;
  assert.ok(count > 900 && count < 1150, String(count));
});

const file = new URL("../testdata/module_random.ts", import.meta.url).href;

for (const workers of [2, 3]) {
  Deno.test(`module-level randomness in the first steps is seen before ${workers} worker threads search`, async () => {
    for (
      const [model, exportName] of [[moduleRandom, "moduleRandom"], [
        moduleRandomLimit,
        "moduleRandomLimit",
      ]] as const
    ) {
      const instance = instantiate(model as never);
      await assert.rejects(
        () => checkInstanceParallel(instance, { module: file, exportName }, workers),
        (error: unknown) => {
          assert.ok(error instanceof InputError, String(error));
          assert.match(
            error.message,
            new RegExp(
              `Model ${model.name} computes different results in different threads \\(module-level ` +
                `randomness or global state\\?\\): the successors of the initial states are .* in the main ` +
                `thread but .* in worker thread \\d`,
            ),
          );
          assert.match(error.message, /loads the model file .*testdata\/module_random\.ts afresh/);
          return true;
        },
      );
    }
  });
}

Deno.test("a module-level value that differs per thread deep in the search is seen by the samples", async () => {
  const instance = instantiate(threadDependent as never);
  const ref = {
    module: new URL("../testdata/thread_dependent.ts", import.meta.url).href,
    exportName: "threadDependent",
  };
  assert.equal((await checkInstanceParallel(instance, ref, 1)).distinctStates, 61);
  for (const workers of [2, 3]) {
    await assert.rejects(
      () => checkInstanceParallel(instance, ref, workers),
      (error: unknown) => {
        assert.ok(error instanceof InputError, String(error));
        assert.match(
          error.message,
          /Model thread_dependent is nondeterministic: expanding state #6\d \(depth 6\d\), /,
        );
        assert.match(
          error.message,
          /evaluations in (the main thread|worker thread \d), then in (the main thread|worker thread \d)/,
        );
        assert.match(error.message, advice);
        return true;
      },
    );
  }
});

Deno.test("a model file that draws a random value while it loads is refused, naming the file and line", async () => {
  const path = new URL("../testdata/module_coin.ts", import.meta.url).pathname;
  await assert.rejects(
    () => loadModel(path, libraryOf(new Map())),
    (error: unknown) => {
      assert.ok(error instanceof InputError, String(error));
      assert.match(
        error.message,
        /^Model file .*module_coin\.ts calls Math\.random\(\) while it loads \(at .*module_coin\.ts:11:19\)/,
      );
      assert.match(error.message, /would compute different results in different threads/);
      return true;
    },
  );
});

Deno.test("one thread computes a module-level value once, which is deterministic", async () => {
  const r = await checkInstanceParallel(instantiate(moduleRandom as never), {
    module: file,
    exportName: "moduleRandom",
  }, 1);
  assert.equal(r.verdict, "holds");
  assert.equal(r.distinctStates, 2);
});
