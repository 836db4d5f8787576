import assert from "node:assert/strict";
import { library } from "../testdata/library.ts";
import { InputError } from "../errors.ts";
import { loadModel } from "./load_model.ts";

Deno.test("a misspelt model name gets the closest registered one", async () => {
  await assert.rejects(
    () => loadModel("page_ownershp", library),
    (e: unknown) =>
      e instanceof InputError &&
      /Unknown model "page_ownershp"\. Did you mean page_ownership\?/.test(e.message),
  );
  await assert.rejects(
    () => loadModel("zzzzzz", library),
    (e: unknown) =>
      e instanceof InputError && !/Did you mean/.test(e.message) && /Registered models/.test(e.message),
  );
});
