// Full-page screenshots of every page, as a learner sees them, for looking at the site by eye.
// Usage: npm run build && npm run screenshots -- [--out /tmp/screens]
// Shoots home, each lesson at its first step and one later step, the glossary, /embed/emit and a 404,
// at 1280×800 and 390×844 (touch, mobile), in light and dark (the context's colorScheme), against
// the production build with Debian's Chromium. Where a page has a lab it waits until Alice reads
// "connected" first, so the shot shows the lab working, not loading. On a phone a lesson's lab is behind
// its Lab tab and opens only with it: the Read tab is shot as it opens, then the Lab tab once Alice is
// connected. Files: <page>-<size>-<scheme>.png, and <page>-lab-phone-<scheme>.png.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import { CHROMIUM_LAUNCH, startProductionServer } from "./production-server.mjs";

const { values } = parseArgs({ options: { out: { type: "string", default: "/tmp/screens" } } });
const out = values.out;
mkdirSync(out, { recursive: true });

const LESSONS = ["why-websocket", "emit", "acks", "rooms", "transports", "retries", "recovery", "scaling"];
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };
const SCHEMES = ["light", "dark"];

/** @type {{ name: string, path: string, lab: boolean, laterStep?: boolean }[]} */
const PAGES = [
  { name: "home", path: "/", lab: false },
  ...LESSONS.flatMap((slug) => [
    { name: `${slug}-first`, path: `/lessons/${slug}`, lab: true },
    { name: `${slug}-later`, path: `/lessons/${slug}`, lab: true, laterStep: true },
  ]),
  { name: "glossary", path: "/glossary", lab: false },
  { name: "embed-emit", path: "/embed/emit", lab: true },
  { name: "404", path: "/no-such-page", lab: false },
];

/** The lab ready and Alice connected, when the lesson has an Alice (Why WebSocket's lab has no clients). */
async function waitForAlice(page) {
  await page
    .locator(".lab-status")
    .filter({ hasText: /^Lab ready/ })
    .first()
    .waitFor({ state: "attached", timeout: 30_000 });
  if ((await page.getByRole("group", { name: "Alice" }).count()) === 0) return;
  await page
    .getByRole("group", { name: "Alice" })
    .getByRole("status")
    .filter({ hasText: /^connected/ })
    .first()
    .waitFor({ state: "attached", timeout: 30_000 });
}

/** Two "Next step" clicks, or as many as the lesson has; waits for the fragment to change. */
async function goToLaterStep(page) {
  const next = page.getByRole("link", { name: "Next step", exact: true });
  for (let i = 0; i < 2 && (await next.isVisible()); i++) {
    const before = page.url();
    await next.click();
    await page.waitForURL((url) => url.href !== before);
  }
}

const server = await startProductionServer({ stdio: "ignore" });
const browser = await chromium.launch(CHROMIUM_LAUNCH);
try {
  for (const [size, viewport] of Object.entries(SIZES)) {
    const phone = size === "phone";
    for (const colorScheme of SCHEMES) {
      const context = await browser.newContext({ viewport, colorScheme, hasTouch: phone, isMobile: phone });
      for (const target of PAGES) {
        const page = await context.newPage();
        try {
          await page.goto(`${server.origin}${target.path}`);
          const labTab = page.getByRole("tab", { name: "Lab" });
          const tabbed = target.lab && (await labTab.isVisible());
          if (target.lab && !tabbed) await waitForAlice(page);
          if (target.laterStep) await goToLaterStep(page);
          await page.evaluate(() => document.fonts.ready);
          const file = join(out, `${target.name}-${size}-${colorScheme}.png`);
          await page.screenshot({ path: file, fullPage: true });
          console.log(file);
          if (tabbed) {
            await labTab.click();
            await waitForAlice(page);
            const labFile = join(out, `${target.name}-lab-${size}-${colorScheme}.png`);
            await page.screenshot({ path: labFile, fullPage: true });
            console.log(labFile);
          }
        } catch (error) {
          console.error(`${target.name} ${size} ${colorScheme}: ${error instanceof Error ? error.message : error}`);
          process.exitCode = 1;
        } finally {
          await page.close();
        }
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
  await server.stop();
}
