// Usage: node --expose-gc mem.mjs <ivm|qjs-shared|qjs-per|native> [N=100]
// RSS growth per sandbox instance, each holding SMALL_MODULE, after gc.
import { SMALL_MODULE, makeHost, createNative, createIvm, createQjs, newQjsModule } from "./common.mjs";
const mode = process.argv[2],
  N = +(process.argv[3] ?? 100);
const host = makeHost();
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((r) => setTimeout(r, 20));
  }
};
// load code paths once so that library/JIT warm-up is not charged to instances
let shared;
if (mode.startsWith("qjs")) {
  shared = await newQjsModule();
  createQjs(shared, SMALL_MODULE, host).dispose();
}
if (mode === "ivm") createIvm(SMALL_MODULE, host).dispose();
await settle();
const before = process.memoryUsage();
const keep = [];
const t0 = performance.now();
for (let i = 0; i < N; i++) {
  let sb;
  if (mode === "ivm") sb = createIvm(SMALL_MODULE, host);
  else if (mode === "qjs-shared") sb = createQjs(shared, SMALL_MODULE, host);
  else if (mode === "qjs-per") sb = createQjs(await newQjsModule(), SMALL_MODULE, host);
  else if (mode === "native") sb = createNative(SMALL_MODULE, host);
  sb.call("ping", "s" + i, [{ n: i }]); // each instance used once
  keep.push(sb);
}
const t1 = performance.now();
await settle();
const after = process.memoryUsage();
const mb = (x) => x / 1048576;
console.log(
  JSON.stringify({
    mode,
    N,
    rssPerInstanceMB: mb(after.rss - before.rss) / N,
    heapUsedPerInstanceKB: (after.heapUsed - before.heapUsed) / 1024 / N,
    externalPerInstanceKB: (after.external - before.external) / 1024 / N,
    arrayBuffersPerInstanceKB: (after.arrayBuffers - before.arrayBuffers) / 1024 / N,
    rssBeforeMB: mb(before.rss),
    rssAfterMB: mb(after.rss),
    msPerCreate: (t1 - t0) / N,
    host: host.count,
  }),
);
