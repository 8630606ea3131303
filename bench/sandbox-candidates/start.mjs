// Usage: taskset -c 1 node start.mjs <ivm|qjs-shared|qjs-per>
// Time to create one instance and load a ~50-line module, then make the first handler call.
// cold = first instance in a fresh process (includes WASM compile / ivm native init); warm = median of next 20.
import { MODULE_50, makeHost, createIvm, createQjs, newQjsModule, stats } from "./common.mjs";
const mode = process.argv[2];
const host = makeHost();
let shared;
async function one() {
  const t0 = performance.now();
  let sb;
  if (mode === "ivm") sb = createIvm(MODULE_50, host);
  else if (mode === "qjs-shared") sb = createQjs((shared ??= await newQjsModule()), MODULE_50, host);
  else if (mode === "qjs-per") sb = createQjs(await newQjsModule(), MODULE_50, host);
  const t1 = performance.now();
  sb.call("ping", "s", [{ n: 1 }]);
  const t2 = performance.now();
  return { create: t1 - t0, firstCall: t2 - t1, sb };
}
const cold = await one();
const warm = [];
for (let i = 0; i < 20; i++) {
  const r = await one();
  warm.push(r);
  r.sb.dispose();
}
console.log(
  JSON.stringify({
    mode,
    lines: MODULE_50.split("\n").length,
    coldCreateMs: cold.create,
    coldFirstCallMs: cold.firstCall,
    warmCreateMsMedian: stats(warm.map((w) => w.create)).median,
    warmFirstCallMsMedian: stats(warm.map((w) => w.firstCall)).median,
  }),
);
