import { configFromEnv } from "./config.js";
import { createPlayground, type Playground } from "./host/playground.js";
import { lessonLabs } from "./lessons.js";

/** The playground for `astro dev`, where Vite owns the HTTP server. */
export function startDevPlayground(): Playground {
  return createPlayground(lessonLabs, configFromEnv(process.env).limits);
}
