// How far a "Try it" is from the control it names ([6/8]): for every Try it button of every lesson, on a
// desktop (1280×800) page of the production build in Debian's Chromium,
// - key presses from the focused Try it button to its control: Enter once, then is the control focused?
//   (goal: 1), and, for comparison, the Tab presses the same walk takes without the button (capped);
// - the scroll distance: how far the page itself scrolls when the button is pressed (goal: 0 on desktop,
//   where the lab is pinned beside the text), and whether the control is then inside the viewport.
//   npm run build && node bench/try-it-reach.mjs [--tab-cap=400]
// Writes bench/results/try-it-reach.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { chromium } from "playwright-core";
import { CHROMIUM_LAUNCH, startProductionServer } from "../scripts/production-server.mjs";

const TAB_CAP = Number(process.argv.find((arg) => arg.startsWith("--tab-cap="))?.split("=")[1] ?? 400);
const LESSONS = ["why-websocket", "emit", "acks", "rooms", "recovery", "retries", "transports", "scaling"];

const server = await startProductionServer({ stdio: "ignore" });
const browser = await chromium.launch(CHROMIUM_LAUNCH);
const rows = [];
try {
  for (const slug of LESSONS) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${server.origin}/lessons/${slug}`);
    const buttons = await page.locator("button.try-it").evaluateAll((all) =>
      all.map((button) => ({
        name: button.getAttribute("aria-label") ?? button.textContent ?? "",
        step: button.closest("[data-step]")?.dataset.step ?? "",
      })),
    );
    for (const [index, { name, step }] of buttons.entries()) {
      await page.evaluate((hash) => (location.hash = hash), step);
      const button = page.locator("button.try-it").nth(index);
      await button.scrollIntoViewIfNeeded();
      await button.focus();
      const scrollBefore = await page.evaluate(() => window.scrollY);
      await page.keyboard.press("Enter");
      const reached = await page
        .waitForFunction(() => document.activeElement?.closest("[data-lab]") && document.activeElement !== document.body, undefined, {
          timeout: 15_000,
        })
        .then(() => true)
        .catch(() => false);
      const after = await page.evaluate(() => {
        const control = document.activeElement;
        const box = control?.getBoundingClientRect();
        return {
          scrollY: window.scrollY,
          inView: Boolean(box && box.top >= 0 && box.bottom <= window.innerHeight && box.left >= 0 && box.right <= window.innerWidth),
          control: control?.getAttribute("aria-label") ?? control?.textContent?.trim().slice(0, 40) ?? "",
        };
      });
      // The same walk by Tab alone, from the Try it button to that control.
      await button.focus();
      let tabs = 0;
      const target = after.control;
      while (tabs < TAB_CAP) {
        await page.keyboard.press("Tab");
        tabs += 1;
        const here = await page.evaluate(
          () => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.textContent?.trim().slice(0, 40) ?? "",
        );
        if (reached && here === target) break;
      }
      rows.push({
        lesson: slug,
        step,
        button: name,
        keyPresses: reached ? 1 : null,
        controlInView: after.inView,
        pageScrollPx: Math.abs(after.scrollY - scrollBefore),
        tabPressesWithoutButton: tabs >= TAB_CAP ? `>${TAB_CAP}` : tabs,
      });
      await page.locator("h1").click();
    }
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
}

const reachedAll = rows.every((row) => row.keyPresses === 1 && row.controlInView);
const maxScroll = Math.max(...rows.map((row) => row.pageScrollPx));
const summary = {
  buttons: rows.length,
  everyOneReachedWithOnePress: reachedAll,
  controlsInView: rows.filter((row) => row.controlInView).length,
  maxPageScrollPx: maxScroll,
};
mkdirSync("bench/results", { recursive: true });
writeFileSync(
  "bench/results/try-it-reach.json",
  `${JSON.stringify({ at: new Date().toISOString(), viewport: "1280×800", summary, rows }, null, 1)}\n`,
);
console.log(JSON.stringify(summary));
for (const row of rows)
  console.log(
    `${row.lesson} ${row.step} | ${row.button} | presses ${row.keyPresses} | in view ${row.controlInView} | page scroll ${row.pageScrollPx} px | Tab alone ${row.tabPressesWithoutButton}`,
  );
