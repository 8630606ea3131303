// Why does the qjs array bomb ignore the 50 ms deadline? Time single native calls inside QuickJS.
import { newQjsModule } from "./common.mjs";
const m = await newQjsModule();
const rt = m.newRuntime();
rt.setMemoryLimit(32 * 1024 * 1024);
rt.setMaxStackSize(256 * 1024);
let deadline = Infinity,
  checks = 0;
rt.setInterruptHandler(() => {
  checks++;
  return Date.now() > deadline;
});
const ctx = rt.newContext();
for (const code of [
  "new Array(100000).fill(1.5).length",
  "Array.from({length:100000},()=>1.5).length",
  "globalThis.k=[]; for (let i=0;i<20;i++) k.push(new Array(100000).fill(1.5)); k.length",
  "globalThis.k2=[]; for (let i=0;i<30;i++) k2.push(new Array(100000).fill(1.5)); k2.length",
]) {
  checks = 0;
  deadline = Date.now() + 50;
  const t = performance.now();
  const r = ctx.evalCode(code);
  console.log(
    JSON.stringify({
      code,
      ms: +(performance.now() - t).toFixed(1),
      interruptChecks: checks,
      out: r.error ? ctx.dump(r.error).message : ctx.dump(r.value),
      mem: rt.computeMemoryUsage ? undefined : undefined,
    }),
  );
  (r.error ?? r.value).dispose();
}
