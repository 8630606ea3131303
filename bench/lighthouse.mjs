// Lighthouse (npm `lighthouse` 12, fetched by npx on first use) against Debian's Chromium, on every
// lesson page of the production build: performance and accessibility scores, budget 95 each.
// Needs a production build (npm run build).   node bench/lighthouse.mjs
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { startProductionServer } from "../scripts/production-server.mjs";

const run = promisify(execFile);
const PAGES = [
  "/",
  "/lessons/why-websocket",
  "/lessons/emit",
  "/lessons/acks",
  "/lessons/rooms",
  "/lessons/recovery",
  "/lessons/retries",
  "/lessons/transports",
  "/lessons/scaling",
];
const BUDGET = 95;
const METRICS = ["first-contentful-paint", "largest-contentful-paint", "speed-index", "total-blocking-time", "cumulative-layout-shift"];

const server = await startProductionServer({ stdio: "ignore" });
const scores = {};
let failed = false;
try {
  for (const path of PAGES) {
    const out = join(tmpdir(), `lighthouse-${path.replaceAll("/", "_")}.json`);
    await run(
      "npx",
      [
        "--yes",
        "lighthouse@12",
        `${server.origin}${path}`,
        "--quiet",
        "--output=json",
        `--output-path=${out}`,
        "--only-categories=performance,accessibility",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
      ],
      { env: { ...process.env, CHROME_PATH: process.env.CHROME_PATH ?? "/usr/lib/chromium/chromium" }, maxBuffer: 64 * 1024 * 1024 },
    );
    const report = JSON.parse(readFileSync(out, "utf8"));
    rmSync(out);
    const performance = Math.round(report.categories.performance.score * 100);
    const accessibility = Math.round(report.categories.accessibility.score * 100);
    // The metrics say which one cost a point when a score falls short of 100.
    const metrics = Object.fromEntries(
      METRICS.map((id) => [id, { value: Number(report.audits[id].numericValue.toFixed(3)), score: report.audits[id].score }]),
    );
    scores[path] = { performance, accessibility, metrics };
    if (performance < BUDGET || accessibility < BUDGET) failed = true;
    const summary = METRICS.map((id) => `${id} ${metrics[id].value}`).join(", ");
    console.log(`${path}: performance ${performance}, accessibility ${accessibility} (${summary})`);
  }
} finally {
  await server.stop();
}
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/lighthouse.json", `${JSON.stringify({ at: new Date().toISOString(), budget: BUDGET, scores }, null, 1)}\n`);
process.exit(failed ? 1 : 0);
