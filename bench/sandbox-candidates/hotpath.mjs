// Usage: taskset -c 1 node hotpath.mjs <native|ivm|qjs> [N=100000]
// Prints µs per call of: host -> sandbox handler ping(socket,{n}) -> socket.emit("pong",{n,ok}) host callback -> return.
import { SMALL_MODULE, makeHost, createNative, createIvm, createQjs, newQjsModule } from "./common.mjs";
const mode = process.argv[2],
  N = +(process.argv[3] ?? 100000);
const host = makeHost();
let sb;
if (mode === "native") sb = createNative(SMALL_MODULE, host);
else if (mode === "ivm") sb = createIvm(SMALL_MODULE, host);
else if (mode === "ivm-notimeout") sb = createIvm(SMALL_MODULE, host, { timeout: 0 });
else if (mode === "qjs") sb = createQjs(await newQjsModule(), SMALL_MODULE, host);
else if (mode === "qjs-nointerrupt") {
  sb = createQjs(await newQjsModule(), SMALL_MODULE, host);
  sb.runtime.removeInterruptHandler();
} else if (mode === "ivm-async") {
  const s0 = createIvm(SMALL_MODULE, host);
  sb = { call: s0.callAsync };
} else throw new Error("mode?");
// ivm-async: each call awaited before the next (apply() returns a promise; isolate runs on a worker thread)
const A = mode === "ivm-async";
for (let i = 0; i < 10000; i++)
  if (A) await sb.call("ping", "sock1", [{ n: i }]);
  else sb.call("ping", "sock1", [{ n: i }]); // warm-up
const t0 = process.hrtime.bigint();
if (A) for (let i = 0; i < N; i++) await sb.call("ping", "sock1", [{ n: i }]);
else for (let i = 0; i < N; i++) sb.call("ping", "sock1", [{ n: i }]);
const t1 = process.hrtime.bigint();
if (host.last.n !== N || host.last.ok !== true) throw new Error("wrong result " + JSON.stringify(host.last));
// also: a call that reads socket.rooms synchronously and returns it
await sb.call("join", "sock1", ["roomA"]);
const rooms = await sb.call("join", "sock1", ["roomB"]);
// second pass: per-call latency distribution (adds ~0.1 µs of timer overhead per call)
const lat = new Float64Array(N);
for (let i = 0; i < N; i++) {
  const a = performance.now();
  if (A) await sb.call("ping", "sock1", [{ n: i }]);
  else sb.call("ping", "sock1", [{ n: i }]);
  lat[i] = performance.now() - a;
}
lat.sort();
console.log(
  JSON.stringify({
    mode,
    N,
    usPerCall: Number(t1 - t0) / 1000 / N,
    p50us: lat[N >> 1] * 1000,
    p99us: lat[Math.floor(N * 0.99)] * 1000,
    maxMs: lat[N - 1],
    rooms,
  }),
);
