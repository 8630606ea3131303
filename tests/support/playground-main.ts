// A playground process for tests of several processes sharing one Redis: the production server's own
// listen(), without the site (the tests drive the control API and labs, not pages). Bundled by
// tests/support/scaling-setup.ts; started with an IPC channel, it reports its origin and exits with its parent.
import { configFromEnv } from "../../src/server/config.js";
import { listen } from "../../src/server/host/listen.js";
import { lessonLabs } from "../../src/server/lessons.js";

const running = await listen(configFromEnv(process.env), lessonLabs);
process.send?.({ type: "ready", origin: running.origin });
// Tests of memory under attack ask the process itself: its RSS, as the kernel counts it.
process.on("message", (message: { type?: string }) => {
  if (message?.type === "memory") process.send?.({ type: "memory", rss: process.memoryUsage.rss() });
});
const stop = () => void running.close().then(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("disconnect", stop);
