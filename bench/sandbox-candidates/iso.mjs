// Usage: node iso.mjs <ivm|ivm-async|qjs> <test>   (one test per process; iso-all.mjs runs them all with a kill timeout)
// Each test evaluates learner-ish code in a fresh sandbox with a 50 ms time limit and a 32 MB memory limit,
// measures elapsed time and how often a host 5 ms interval got to run meanwhile (event-loop blocking).
import ivm from "isolated-vm";
import { newQjsModule, createQjs, makeHost, SMALL_MODULE } from "./common.mjs";
const [engine, test] = process.argv.slice(2);
const TESTS = {
  ctorEscape: `(function(){ try { const p = this.constructor.constructor("return process")(); return "process type: " + typeof p; } catch (e) { return "threw " + e; } })()`,
  hostFnEscape: `(function(){ try { const p = __probe.constructor.constructor("return typeof process + '/' + typeof require + '/' + typeof globalThis.fetch")(); return p; } catch (e) { return "threw " + e; } })()`,
  globals: `[typeof process, typeof require, typeof setTimeout, typeof fetch, typeof WebAssembly, typeof SharedArrayBuffer, typeof Atomics].join(",")`,
  evalFn: `eval("1+1") + "," + Function("return 40+2")() + "," + new Function("return typeof process")()`,
  dynImport: `(function(){ let out = "pending"; try { import("fs").then(m => { out = "imported " + Object.keys(m).length; globalThis.__r = out; }, e => { globalThis.__r = "rejected " + e; }); } catch (e) { return "threw sync " + e; } return "scheduled"; })()`,
  infiniteLoop: `while (true) {}`,
  regex: `/(a+)+$/.test("a".repeat(40) + "b")`,
  allocArray: `const a = []; while (true) a.push(new Array(100000).fill(1.5)); "unreachable"`,
  allocSmall: `const a = []; while (true) a.push({ a: 1, b: "xxxxxxxxxxxxxxxx", c: [1, 2, 3] }); "unreachable"`,
  allocString: `let s = "x"; while (true) s += s; "unreachable"`,
  recursion: `(function(){ function f(n){ return f(n+1) + 1; } try { f(0); } catch (e) { return "caught " + e.name + ": " + e.message; } })()`,
  atomicsWait: `(function(){ if (typeof SharedArrayBuffer === "undefined") return "no SharedArrayBuffer"; const i = new Int32Array(new SharedArrayBuffer(4)); return "Atomics.wait returned " + Atomics.wait(i, 0, 0); })()`,
};
const code = TESTS[test];
const TIMEOUT = test.startsWith("alloc") && process.env.LONG ? 10000 : 50; // LONG=1: let memory tests reach the 32 MB limit
const STACK = +(process.env.QJS_STACK ?? 256 * 1024);
let ticks = 0,
  maxGap = 0,
  last = performance.now();
const iv = setInterval(() => {
  const n = performance.now();
  maxGap = Math.max(maxGap, n - last);
  last = n;
  ticks++;
}, 5);
const out = { engine, test };
await new Promise((r) => setTimeout(r, 20));
last = performance.now();
ticks = 0;
maxGap = 0;
let start = performance.now();
try {
  if (engine.startsWith("ivm")) {
    const isolate = new ivm.Isolate({ memoryLimit: 32 });
    const ctx = isolate.createContextSync();
    ctx.global.setSync("__probe", new ivm.Callback(() => 1));
    const script = isolate.compileScriptSync(code);
    start = performance.now();
    out.result =
      engine === "ivm" ? script.runSync(ctx, { timeout: TIMEOUT, copy: true }) : await script.run(ctx, { timeout: TIMEOUT, copy: true });
    if (test === "dynImport") {
      await new Promise((r) => setTimeout(r, 20));
      out.later = ctx.evalSync("globalThis.__r");
    }
    out.isolateDisposed = isolate.isDisposed;
  } else {
    const m = await newQjsModule();
    const host = makeHost();
    const sb = createQjs(m, SMALL_MODULE, host, { timeout: 50, stack: STACK });
    const probe = sb.ctx.newFunction("__probe", () => sb.ctx.newNumber(1));
    sb.ctx.setProp(sb.ctx.global, "__probe", probe);
    probe.dispose();
    start = performance.now();
    sb.setDeadline(TIMEOUT);
    let r;
    try {
      r = sb.ctx.evalCode(code, "t.js");
    } catch (e) {
      r = { hostError: e };
      out.hostThrew = String(e.message ?? e).slice(0, 150);
    }
    out.elapsedMs = +(performance.now() - start).toFixed(1);
    if (r.hostError) {
      // Reported as hostThrew above.
    } else if (r.error) {
      out.error = JSON.stringify(sb.ctx.dump(r.error));
      r.error.dispose();
    } else {
      out.result = sb.ctx.dump(r.value);
      r.value.dispose();
    }
    if (test === "dynImport") {
      sb.runtime.executePendingJobs();
      const h = sb.ctx.getProp(sb.ctx.global, "__r");
      out.later = sb.ctx.dump(h);
      h.dispose();
    }
    // is the runtime still usable afterwards?
    sb.setDeadline(50);
    try {
      out.afterwardsCall = sb.call("join", "s", ["room"]);
    } catch (e) {
      out.afterwardsCall = "threw " + String(e.message ?? e).slice(0, 120);
    }
  }
} catch (e) {
  out.error = String((e && e.message) || e).slice(0, 200);
}
out.elapsedMs ??= +(performance.now() - start).toFixed(1);
await new Promise((r) => setTimeout(r, 30));
out.hostTicksDuringCall = ticks;
out.hostMaxGapMs = +maxGap.toFixed(1);
// host survives and can still make a fresh isolate / runtime
try {
  if (engine.startsWith("ivm")) {
    const i2 = new ivm.Isolate({ memoryLimit: 32 });
    out.hostOK = i2.createContextSync().evalSync("6*7") === 42;
  } else out.hostOK = true;
} catch (e) {
  out.hostOK = "threw " + e.message;
}
clearInterval(iv);
console.log(JSON.stringify(out));
