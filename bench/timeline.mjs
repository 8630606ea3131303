// Measures the timeline with many entries: how long 5,000 imported entries take to render, and how smooth
// scrolling through them is. Needs a production build (npm run build) and Debian's Chromium.
//   node bench/timeline.mjs [entries]
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { CHROMIUM_LAUNCH, startProductionServer } from "../scripts/production-server.mjs";

const count = Number(process.argv[2] ?? 5000);

/** A realistic mix: events with acks, their acks, heartbeats, status marks, on three lanes. */
function entries(n) {
  const lanes = ["Alice", "Bob", "Carol"];
  const list = [];
  const start = Date.now() - n * 10;
  for (let seq = 1; seq <= n; seq++) {
    const lane = lanes[seq % 3];
    const at = start + seq * 10;
    const kind = seq % 5;
    if (kind === 0) {
      list.push({ seq, at, lane, direction: "to-client", summary: "ping", heartbeat: true, frame: { engine: "ping", raw: "2" } });
    } else if (kind === 1) {
      const id = seq;
      list.push({
        seq,
        at,
        lane,
        direction: "to-server",
        summary: `EVENT chat("message ${seq}") #${id}`,
        ackedBy: seq + 1,
        frame: {
          engine: "message",
          raw: `42${id}["chat","message ${seq}"]`,
          packet: { type: "EVENT", nsp: "/", id, event: "chat", args: [`message ${seq}`] },
        },
      });
    } else if (kind === 2) {
      list.push({
        seq,
        at,
        lane,
        direction: "to-client",
        summary: `ACK #${seq - 1} ({"status":"ok"})`,
        ackOf: seq - 1,
        rttMs: 3,
        frame: {
          engine: "message",
          raw: `43${seq - 1}[{"status":"ok"}]`,
          packet: { type: "ACK", nsp: "/", id: seq - 1, args: [{ status: "ok" }] },
        },
      });
    } else if (kind === 3) {
      list.push({
        seq,
        at,
        lane,
        direction: "to-client",
        summary: `EVENT chat("from ${lane}")`,
        frame: {
          engine: "message",
          raw: `42["chat","from ${lane}"]`,
          packet: { type: "EVENT", nsp: "/", event: "chat", args: [`from ${lane}`] },
        },
      });
    } else {
      list.push({ seq, at, lane: "Server", direction: "none", summary: `${lane} joined room "general"`, mark: "status" });
    }
  }
  return list;
}

const file = join(mkdtempSync(join(tmpdir(), "timeline-bench-")), "timeline.json");
writeFileSync(file, JSON.stringify({ version: 1, exportedAt: Date.now(), entries: entries(count) }));

const server = await startProductionServer({ stdio: "ignore" });
const origin = server.origin;
try {
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  // The step that reads the timeline: on the first step the lab keeps the timeline closed to one line.
  await page.goto(`${origin}/lessons/emit#what-just-happened`);
  await page
    .getByRole("group", { name: "Alice" })
    .getByRole("status")
    .filter({ hasText: /^connected/ })
    .waitFor();
  await page.getByRole("checkbox", { name: "Show ping/pong" }).check();

  const started = Date.now();
  await page.locator("input[name=timeline-import]").setInputFiles(file);
  await page.getByText(`${count} of ${count} entries shown`).waitFor({ timeout: 60_000 });
  const importMs = Date.now() - started;

  // Scroll from top to bottom in steps, one step per animation frame, timing each frame.
  const scroll = await page.evaluate(async () => {
    const viewport = document.querySelector(".timeline-viewport");
    viewport.scrollTop = 0;
    const frames = [];
    const steps = 300;
    let last = performance.now();
    for (let i = 1; i <= steps; i++) {
      viewport.scrollTop = (viewport.scrollHeight - viewport.clientHeight) * (i / steps);
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const now = performance.now();
      frames.push(now - last);
      last = now;
    }
    frames.sort((a, b) => a - b);
    const at = (q) => frames[Math.min(frames.length - 1, Math.floor(q * frames.length))];
    return { steps, p50: at(0.5), p95: at(0.95), max: frames.at(-1), rowsInDom: document.querySelectorAll(".timeline-row").length };
  });
  await browser.close();
  const result = {
    entries: count,
    importAndRenderMs: importMs,
    scrollFrameMs: { p50: +scroll.p50.toFixed(1), p95: +scroll.p95.toFixed(1), max: +scroll.max.toFixed(1) },
    scrollSteps: scroll.steps,
    rowsInDom: scroll.rowsInDom,
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  await server.stop();
}
