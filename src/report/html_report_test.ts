import assert from "node:assert/strict";
import { counterLibrary } from "../testdata/counter_gates.ts";
import { driveCommand } from "../testdata/drive_command.ts";

/** Writes the report of `counter` with wrap=true (inc, inc, inc by the kernel, then wrap by Hyper-V). */
async function writeReport(): Promise<string> {
  const dir = await Deno.makeTempDir();
  const args = [
    "counter",
    "--set",
    "wrap=true",
    "--workers",
    "1",
    "--out",
    `${dir}/o`,
    "--html",
    `${dir}/r.html`,
  ];
  const run = await driveCommand("explore", args, counterLibrary);
  assert.equal(run.code, 1, run.stderr);
  return dir;
}

Deno.test("explore --html writes one self-contained file, actors escaped, and each diagram's Mermaid beside it", async () => {
  const dir = await writeReport();
  const html = await Deno.readTextFile(`${dir}/r.html`);
  assert.match(html, /^<!DOCTYPE html>/);
  assert.doesNotMatch(html, /<script|<link|<img|\ssrc=|url\(|https?:\/\//, "nothing is fetched or run");
  assert.doesNotMatch(html, /<host>/, "the actor's markup is text");
  assert.match(html, /data-actor="Hyper-V &lt;host&gt; &amp; &quot;co&quot;"/);
  const mermaid = await Deno.readTextFile(`${dir}/r.counter.never_wraps.mmd`);
  assert.match(mermaid, /^sequenceDiagram\n/);
  assert.deepEqual(mermaid.match(/^ {2}participant .*$/gm), [
    "  participant A0 as kernel",
    "  participant A1 as Hyper-V #60;host#62; & #34;co#34;",
  ]);
  assert.match(mermaid, /rect rgb\(255, 222, 222\)\n {2}Note over A1: 5\. wrap<br\/>n = 0\n {2}end\n$/);
  await Deno.remove(dir, { recursive: true });
});

const chromium = ["chromium", "chromium-browser", "google-chrome"].find((name) => {
  try {
    return new Deno.Command(name, { args: ["--version"], stdout: "null", stderr: "null" }).outputSync()
      .success;
  } catch {
    return false;
  }
});

Deno.test({
  name: `the report renders in headless Chromium: gate rows, one lane per actor, the last step highlighted${
    chromium ? "" : " (SKIPPED: no Chromium)"
  }`,
  ignore: chromium === undefined,
  fn: async () => {
    const dir = await writeReport();
    const browse = (...args: string[]) =>
      new Deno.Command(chromium!, {
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--hide-scrollbars",
          ...args,
          `file://${dir}/r.html`,
        ],
        stdout: "piped",
        stderr: "null",
      }).output();
    const dom = new TextDecoder().decode((await browse("--dump-dom")).stdout);
    // What the browser built, not the text written: the table rows and the SVG the parser made of it.
    assert.equal(dom.match(/<tr class="run">/g)?.length, 1);
    const section = dom.slice(dom.indexOf('data-property="never_wraps"'));
    assert.deepEqual([...section.matchAll(/<g class="lane" data-actor="([^"]*)"/g)].map((m) => m[1]), [
      "kernel",
      "Hyper-V &lt;host&gt; &amp; &quot;co&quot;",
    ]);
    assert.match(section, /<g class="step highlighted" data-state="5">/);
    await browse("--window-size=1000,1400", `--screenshot=${dir}/r.png`);
    const png = await Deno.readFile(`${dir}/r.png`);
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], "a PNG screenshot");
    await Deno.remove(dir, { recursive: true });
  },
});
