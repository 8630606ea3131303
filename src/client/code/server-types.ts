/**
 * The types a lesson's server.ts is written against, for the server editor's IntelliSense: socket.io's own
 * declaration files and those they import, Node's (@types/node: the real ones, since `http`, `net` and
 * `stream` reach most of Node), and the lab's contract at the path lesson code imports it from. A chunk of
 * its own, loaded only when the learner opens the server editor.
 */
import labContext from "../../lessons/lab-context.ts?raw";

export const SERVER_TYPE_FILES = {
  ...(import.meta.glob(
    [
      "/node_modules/socket.io/dist/**/*.d.ts",
      "/node_modules/socket.io-adapter/dist/**/*.d.ts",
      "/node_modules/engine.io/build/**/*.d.ts",
      "/node_modules/@types/ws/index.d.ts",
      "/node_modules/@types/cors/index.d.ts",
      // The editor's TypeScript is 5.9: the top-level files, not the folders for older versions.
      "/node_modules/@types/node/**/*.d.ts",
      "!/node_modules/@types/node/ts5.*/**",
    ],
    { query: "?raw", import: "default", eager: true },
  ) as Record<string, string>),
  // Lesson code imports it as `../lab-context.js` from `/lesson/server.ts`.
  "/lab-context.ts": labContext,
};

/** Each package and its entry declaration file, so `import type { Server } from "socket.io"` resolves. */
export const SERVER_TYPE_PACKAGES: Record<string, string> = {
  "socket.io": "dist/index.d.ts",
  "socket.io-adapter": "dist/index.d.ts",
  "engine.io": "build/engine.io.d.ts",
  "@types/ws": "index.d.ts",
  "@types/cors": "index.d.ts",
};
