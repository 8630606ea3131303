import { configFromEnv } from "./config.js";
import { createPlayground, type Playground } from "./host/playground.js";
import { lessonLabs } from "./lessons.js";

/** The playground for `astro dev`, where Vite owns the HTTP server. */
export function startDevPlayground(): Playground {
  const config = configFromEnv(process.env);
  return createPlayground(lessonLabs, config.limits, config.dataDir);
}
