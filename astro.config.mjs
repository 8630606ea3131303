// @ts-check
import { defineConfig } from "astro/config";
import node from "@astrojs/node";
import { lazyMonacoCss } from "./scripts/lazy-monaco-css.mjs";

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
        const { startDevPlayground } = await server.ssrLoadModule("/src/server/dev.ts");
        const playground = startDevPlayground();
        server.middlewares.use((req, res, next) => playground.handleRequest(req, res, next));
        server.httpServer?.on("upgrade", (req, socket, head) => playground.handleUpgrade(req, socket, head));
        server.httpServer?.on("close", () => void playground.close());
      },
    },
  };
}

export default defineConfig({
  output: "static",
  adapter: node({ mode: "standalone" }),
  integrations: [playgroundInDev()],
  server: { port: Number(process.env.PORT ?? 4321) },
  devToolbar: { enabled: false },
  vite: { plugins: [lazyMonacoCss()] },
  markdown: { shikiConfig: { themes: { light: "github-light-high-contrast", dark: "github-dark-high-contrast" } } },
});
