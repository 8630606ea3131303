// @ts-check
import { defineConfig } from "astro/config";
import node from "@astrojs/node";
import { satteri } from "@astrojs/markdown-satteri";
import { lazyMonacoCss } from "./scripts/lazy-monaco-css.mjs";
import { localModuleGraph } from "./scripts/module-graph.mjs";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import { lessonSteps } from "./src/markdown/lesson-steps.ts";
import { EARLY_LAB_SCRIPT } from "./src/client/lab-early.ts";

/**
 * Short names for the browser's modules: a page names each of its modules twice (modulepreload and script),
 * and Astro's names ("Lab.astro_astro_type_script_index_0_lang…") cost a lesson page ~180 bytes of brotli
 * HTML, which must fit one TCP round trip. "Lab.astro_astro_type_script_index_0_lang" becomes "Lab". Only the
 * client build: the server's prerender step imports its chunks by Astro's own names.
 * @returns {import("vite").Plugin}
 */
function shortScriptNames() {
  /** @param {{ name: string }} chunk */
  const short = (chunk) => `_astro/${chunk.name.replace(/\.astro_\w*/g, "").slice(0, 48)}.[hash].js`;
  return {
    name: "short-script-names",
    applyToEnvironment: (environment) => environment.name === "client",
    outputOptions: (options) => ({ ...options, entryFileNames: short, chunkFileNames: short }),
  };
}

/**
 * `astro dev` gets the same labs and control API as production: the playground is loaded through Vite
 * (so its TypeScript needs no build) and attached to Vite's own HTTP server, next to its HMR socket.
 * @returns {import("astro").AstroIntegration}
 */
function playgroundInDev() {
  return {
    name: "socket-io-playground:dev-server",
    hooks: {
      "astro:server:setup": async ({ server }) => {
        // Vite 8 runs server code through an environment's module runner (ssrLoadModule is on its way out).
        const ssr = server.environments.ssr;
        if (!("runner" in ssr)) throw new Error("astro dev: Vite's SSR environment cannot run the playground");
        const runner = /** @type {{ import(id: string): Promise<typeof import("./src/server/dev.ts")> }} */ (ssr.runner);
        const { startDevPlayground, devSandboxWorker, DEV_SANDBOX_WORKER_PATH } = await runner.import("/src/server/dev.ts");
        const playground = startDevPlayground();
        const httpServer = server.httpServer;
        if (!httpServer) return;
        // As in production, the playground sees each request before the site does. Behind Vite's middlewares
        // it would not: Astro's dev server refuses cross-site subresource requests, and a code run's sandbox
        // (an opaque origin) is cross-site, so its worker script and its lab's polling would get 403.
        const site = httpServer.listeners("request");
        httpServer.removeAllListeners("request");
        httpServer.on("request", (req, res) => {
          if (req.url === DEV_SANDBOX_WORKER_PATH) {
            res.setHeader("Content-Type", "text/javascript");
            return res.end(devSandboxWorker());
          }
          playground.handleRequest(req, res, () => site.forEach((listener) => listener.call(httpServer, req, res)));
        });
        httpServer.on("upgrade", (req, socket, head) => playground.handleUpgrade(req, socket, head));
        httpServer.on("close", () => void playground.close());
      },
    },
  };
}

/**
 * What a lab page's first module needs to open the lab and start its clients (src/client/lab-boot.ts): the
 * lab session and socket.io-client, and none of the views. One chunk of its own, so that its clients'
 * handshakes can leave while the rest of the page's code still loads (tests/browser/page-budget.test.ts
 * weighs it).
 */
const labBootModules = localModuleGraph(fileURLToPath(new URL("./src/client/lab-boot.ts", import.meta.url)));
const socketIoClient =
  /\/node_modules\/(?:socket\.io-client|engine\.io-client|engine\.io-parser|socket\.io-parser|@socket\.io\/component-emitter)\//;

export default defineConfig({
  output: "static",
  // Every stylesheet as a file: one more request made in parallel with the others, rather than ~480 bytes
  // (brotli) more in each lesson page's HTML, which must fit one TCP round trip (tests/browser/page-budget).
  build: { inlineStylesheets: "never" },
  adapter: node({ mode: "standalone" }),
  integrations: [playgroundInDev()],
  server: { port: Number(process.env.PORT ?? 4321) },
  devToolbar: { enabled: false },
  // Each page's policy, as a meta tag with the hashes of its scripts (active in the build, not in `astro dev`).
  // The host adds frame-ancestors and the rest a meta tag cannot carry (src/server/host/security-headers.ts).
  security: {
    csp: {
      directives: [
        "default-src 'self'",
        // Monaco's CSS draws some icons from data: URLs.
        "img-src 'self' data:",
        "font-src 'self'",
        // 'self' covers the labs' WebSockets too (ws: on the same host).
        "connect-src 'self'",
        // Monaco's language workers are this site's scripts.
        "worker-src 'self'",
        // The code run's sandbox is a page of this site, in a sandboxed frame (src/server/host/sandbox-page.ts).
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
      ],
      // The site search (Pagefind) runs its index in WebAssembly, which needs 'wasm-unsafe-eval' (not 'unsafe-eval').
      // The one inline script: a lesson page's early POST /api/labs (src/client/lab-early.ts).
      scriptDirective: {
        resources: ["'self'", "'wasm-unsafe-eval'"],
        hashes: [`sha256-${createHash("sha256").update(EARLY_LAB_SCRIPT).digest("base64")}`],
      },
      // Monaco adds <style> elements and style attributes as it runs, and Shiki colours code with style
      // attributes: hashes cannot cover either. Scripts stay locked down.
      styleDirective: { resources: ["'self'", "'unsafe-inline'"] },
    },
  },
  vite: {
    plugins: [lazyMonacoCss(), shortScriptNames()],
    build: {
      // One stylesheet for the whole site (46 KB, 7 KB brotli), not four per lesson page: over HTTP/1.1 each
      // stylesheet holds one of the host's six connections until it arrives, so the lab's first module
      // waited behind three more of them (bench/lab-open.mjs: 100-200 ms sooner to Alice connected). All of
      // a page's own styles are scoped, so one file changes no element's computed style (checked on every
      // page at both sizes, light and dark, with JavaScript off); the next page finds it in the cache.
      cssCodeSplit: false,
      rolldownOptions: {
        output: {
          // A page's static imports in a few chunks, not twenty: the site is served over HTTP/1.1, six
          // connections a host, so on a phone's network (150 ms RTT) each six more files cost another round
          // trip (bench/lab-open.mjs). Modules are still grouped by the pages that use them, so a page loads
          // little it does not run; the code loaded on demand (the editor, search, the home demo) is untouched.
          strictExecutionOrder: true,
          codeSplitting: {
            groups: [
              {
                name: "lab-boot",
                priority: 1,
                // Modules only, as the browser runs them: not `?raw` copies of the same files' text.
                test: (id) => !id.includes("?") && (labBootModules.has(id) || socketIoClient.test(id)),
              },
              {
                name: "page",
                tags: ["$initial"],
                // Not a page's own scripts: each stays its file, and holds its code rather than one import.
                test: (id) => !/[?&]type=script/.test(id),
                entriesAware: true,
                entriesAwareMergeThreshold: 24 * 1024,
              },
            ],
          },
        },
      },
    },
  },
  markdown: {
    shikiConfig: { themes: { light: "github-light-high-contrast", dark: "github-dark-high-contrast" } },
    // A lesson's steps, hidden answers and "Try it" buttons are made at build time (src/markdown/).
    processor: satteri({ hastPlugins: [lessonSteps] }),
  },
});
