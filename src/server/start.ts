// First: the process starts again with the V8 flags the host's settings ask for (young generation, GC threads).
import "./host/start-flags.js";
import { configFromEnv } from "./config.js";
import { fileURLToPath } from "node:url";
import { createCompressedFiles } from "./host/compressed-files.js";
import { listen, type SiteHandler } from "./host/listen.js";
import { lessonLabs } from "./lessons.js";

// The Astro node adapter starts its own server on import unless told not to; the dynamic import keeps this
// assignment ahead of it.
process.env.ASTRO_NODE_AUTOSTART = "disabled";
const entry = new URL("../server/entry.mjs", import.meta.url).href;
const { handler } = (await import(entry)) as { handler: SiteHandler };

// One lesson handler's bug must not take every learner's lab down with it: log it and carry on.
process.on("unhandledRejection", (reason) => console.error("unhandled rejection in a lab:", reason));

// The adapter serves files as they are; browsers that accept brotli or gzip get the build's compressed copies.
const compressed = createCompressedFiles(fileURLToPath(new URL("../client/", import.meta.url)));
const site: SiteHandler = (req, res) => {
  if (!compressed(req, res)) handler(req, res);
};

const config = configFromEnv(process.env);
const running = await listen(config, lessonLabs, site);
console.log(`Socket.IO Playground is running at ${running.origin}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void running.close().then(() => process.exit(0));
  });
}
