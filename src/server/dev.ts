import { buildSync } from "esbuild";
import { resolve } from "node:path";
import { HOST_BUNDLE, SCALING_NODE_SOURCE } from "../../scripts/host-bundle.mjs";
import { configFromEnv } from "./config.js";
import { hostCheck } from "./host/allowed-hosts.js";
import { createPlayground, type Playground } from "./host/playground.js";
import { lessonLabs } from "./lessons.js";

export { DEV_SANDBOX_WORKER_PATH } from "../client/code/sandbox-protocol.js";

/** Inside node_modules, so the bundle's own imports (socket.io, redis, ...) resolve from the project. */
const DEV_NODE_ENTRY = "node_modules/.cache/socket-io-playground/dev-scaling-node.mjs";

/** The sandbox worker as `npm run build` ships it, a classic script: built afresh per request, so edits show. */
export function devSandboxWorker(): string {
  const { outputFiles } = buildSync({
    entryPoints: ["src/client/code/sandbox-worker.ts"],
    bundle: true,
    format: "iife",
    platform: "browser",
    write: false,
    logLevel: "warning",
  });
  return outputFiles[0]?.text ?? "";
}

/** The playground for `astro dev`, where Vite owns the HTTP server. */
export function startDevPlayground(): Playground {
  // The Scaling lab's nodes are separate processes: they need their entry bundled, as `npm run build` does.
  if (!process.env.PLAYGROUND_SCALING_NODE) {
    buildSync({ ...HOST_BUNDLE, entryPoints: [SCALING_NODE_SOURCE], outfile: DEV_NODE_ENTRY });
    process.env.PLAYGROUND_SCALING_NODE = resolve(DEV_NODE_ENTRY);
  }
  const config = configFromEnv(process.env);
  return createPlayground(
    lessonLabs,
    config.limits,
    config.dataDir,
    undefined,
    config.trustProxy,
    hostCheck(config.allowedHosts, config.host),
  );
}
