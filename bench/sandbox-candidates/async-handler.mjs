// Usage: node async-handler.mjs — does an `async` learner handler (await then socket.emit) run to completion?
import { createIvm, createQjs, newQjsModule, makeHost } from "./common.mjs";
const L = `exports.a = async function (socket, d) { await null; socket.emit("after-await", { n: d.n }); };`;
for (const eng of ["ivm", "qjs"]) {
  const host = makeHost();
  const sb = eng === "ivm" ? createIvm(L, host) : createQjs(await newQjsModule(), L, host);
  let r;
  try {
    r = sb.call("a", "s", [{ n: 1 }]);
  } catch (e) {
    r = "threw " + e.message;
  }
  const before = host.count;
  if (eng === "qjs") sb.runtime.executePendingJobs();
  await new Promise((res) => setTimeout(res, 10));
  console.log(JSON.stringify({ eng, returned: String(r), emitsRightAfterCall: before, emitsAfterPendingJobs: host.count }));
}
