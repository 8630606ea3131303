import { fileURLToPath } from "node:url";
import type { LessonLab } from "../lesson-lab.js";
import { ScalingBackend, type ScalingConfig } from "./scaling-backend.js";

/**
 * Where the node entry is and which Redis to use, read when a lab starts. The production build bundles the
 * node entry next to the host (dist/host/scaling-node.mjs); tests and `astro dev` bundle it elsewhere and
 * say where with PLAYGROUND_SCALING_NODE.
 */
export function scalingConfigFromEnv(env: Record<string, string | undefined> = process.env): ScalingConfig {
  return {
    entry: env.PLAYGROUND_SCALING_NODE || fileURLToPath(new URL("./scaling-node.mjs", import.meta.url)),
    redisUrl: env.REDIS_URL || undefined,
  };
}

/** The Scaling lesson's lab: its handlers (src/lessons/scaling/server.ts) run in node processes, not here. */
export function scalingLessonLab(config: () => ScalingConfig = () => scalingConfigFromEnv()): LessonLab {
  return { slug: "scaling", options: {}, processes: 2, backend: (parts) => new ScalingBackend(parts, config()) };
}
