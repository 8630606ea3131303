import { configFromEnv } from "./config.js";
import { listen, type SiteHandler } from "./host/listen.js";
import { lessonLabs } from "./lessons.js";

// The Astro node adapter starts its own server on import unless told not to; the dynamic import keeps this
// assignment ahead of it.
process.env.ASTRO_NODE_AUTOSTART = "disabled";
const entry = new URL("../server/entry.mjs", import.meta.url).href;
const { handler } = (await import(entry)) as { handler: SiteHandler };

// One lesson handler's bug must not take every learner's lab down with it: log it and carry on.
process.on("unhandledRejection", (reason) => console.error("unhandled rejection in a lab:", reason));

const config = configFromEnv(process.env);
const running = await listen(config, lessonLabs, handler);
console.log(`Socket.IO Playground is running at ${running.origin}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void running.close().then(() => process.exit(0));
  });
}
