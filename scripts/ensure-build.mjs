// `npm start` (and `npm run scenario`) use the production build; build it first when there is none.
import { execSync } from "node:child_process";
import { existsSync } from "node:fs";

if (!existsSync("dist/host/start.mjs") || !existsSync("dist/host/run-scenario.mjs") || !existsSync("dist/server/entry.mjs")) {
  console.log("No production build yet: building it first (npm run build).");
  execSync("npm run build", { stdio: "inherit" });
}
