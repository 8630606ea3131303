// Usage: node iso-all.mjs   — runs every iso.mjs test for ivm (sync runSync), ivm-async (run) and qjs, each in a child with a 15 s kill timeout.
import { spawnSync } from "node:child_process";
const only = process.argv.slice(2);
const tests0 = [
  "ctorEscape",
  "hostFnEscape",
  "globals",
  "evalFn",
  "dynImport",
  "infiniteLoop",
  "regex",
  "allocArray",
  "allocSmall",
  "allocString",
  "recursion",
  "atomicsWait",
];
const tests = only.length ? tests0.filter((t) => only.includes(t)) : tests0;
for (const t of tests)
  for (const e of ["ivm", "ivm-async", "qjs"]) {
    if (e === "ivm-async" && !["infiniteLoop", "regex", "allocArray", "allocSmall", "atomicsWait"].includes(t)) continue;
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ["iso.mjs", e, t], { encoding: "utf8", timeout: 15000 });
    const line = r.stdout.trim().split("\n").pop();
    console.log(
      line ||
        JSON.stringify({
          engine: e,
          test: t,
          crashed: true,
          status: r.status,
          signal: r.signal,
          wallMs: Date.now() - t0,
          stderr: r.stderr.slice(-300),
        }),
    );
  }
