// Checks the code playground's two budgets against the production build, in Debian's Chromium:
//  1. a lesson page's JavaScript before the editor opens: at most 60 KB gzip (gzip -6 of each script the
//     page loads; the server itself does not compress yet);
//  2. the editor ready to type within 1.5 s of pressing "Open the code editor" (median of 5 fresh pages).
// Needs a production build (npm run build).   node bench/code-editor.mjs
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { CHROMIUM_LAUNCH, startProductionServer } from "../scripts/production-server.mjs";

const PAGE_JS_BUDGET = 60 * 1024;
const READY_BUDGET_MS = 1500;
const LESSONS = ["why-websocket", "emit", "acks", "rooms", "recovery", "retries", "transports"];

const server = await startProductionServer();
const browser = await chromium.launch(CHROMIUM_LAUNCH);
const results = { pageJs: {}, editorReadyMs: [] };
let failed = false;
try {
  for (const slug of LESSONS) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const scripts = new Map();
    page.on("response", async (response) => {
      const type = response.request().resourceType();
      if (type !== "script") return;
      try {
        scripts.set(response.url(), gzipSync(await response.body(), { level: 6 }).length);
      } catch {
        // A redirect or an aborted load has no body to count.
      }
    });
    await page.goto(`${server.origin}/lessons/${slug}`, { waitUntil: "networkidle" });
    const total = [...scripts.values()].reduce((sum, bytes) => sum + bytes, 0);
    results.pageJs[slug] = { gzipBytes: total, scripts: scripts.size };
    if (total > PAGE_JS_BUDGET) failed = true;
    await context.close();
  }
  for (let i = 0; i < 5; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.origin}/lessons/emit`, { waitUntil: "networkidle" });
    const playground = page.getByRole("region", { name: "Try it in code" });
    const started = Date.now();
    await playground.getByRole("button", { name: "Open the code editor" }).click();
    // Ready to type: the editor's text area exists and takes focus (the playground focuses it when ready).
    await page.waitForFunction(() => Boolean(document.activeElement?.closest(".editor-host")), null, { timeout: 20_000 });
    results.editorReadyMs.push(Date.now() - started);
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
const sorted = [...results.editorReadyMs].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];
if (median > READY_BUDGET_MS) failed = true;
console.log(
  JSON.stringify(
    {
      ...results,
      editorReadyMedianMs: median,
      budgets: { pageJsGzipBytes: PAGE_JS_BUDGET, editorReadyMs: READY_BUDGET_MS },
      withinBudgets: !failed,
    },
    null,
    1,
  ),
);
process.exit(failed ? 1 : 0);
