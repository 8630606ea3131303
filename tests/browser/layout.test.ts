import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { COURSE_SLUGS } from "../../src/shared/course.js";
import { launchBrowser, openPage, showLab } from "../support/browser.js";

const origin = inject("origin");
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const pages = ["/", ...COURSE_SLUGS.map((slug) => `/lessons/${slug}`), "/glossary", "/embed/emit"];

/** Waits for the page's lab, when it has one, to say it is ready (or that the lesson has none yet). */
async function labReady(page: Page): Promise<void> {
  if ((await page.locator("[data-lab]").count()) === 0) return;
  await page
    .locator(".lab-status")
    .filter({ hasText: /Lab ready|coming soon/ })
    .waitFor({ state: "attached", timeout: 20_000 });
}

/** Every element marked `hidden` that the page draws all the same (an author `display` rule beats the browser's). */
function drawnHidden(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[hidden]:not([hidden="until-found" i])')]
      .filter((element) => getComputedStyle(element).display !== "none")
      .map((element) => `${element.localName}.${[...element.classList].join(".")}`),
  );
}

describe("the site's layout", () => {
  for (const path of pages) {
    it(`${path}: nothing marked hidden is drawn, and nothing spills sideways on a phone`, async () => {
      for (const options of [DESKTOP, PHONE]) {
        const { page } = await openPage(browser, options);
        await page.goto(`${origin}${path}`);
        await showLab(page);
        await labReady(page);
        expect(await drawnHidden(page), `${path} at ${options.viewport.width} px`).toEqual([]);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${path} at ${options.viewport.width} px`).toBeLessThanOrEqual(0);
        await page.context().close();
      }
    });
  }

  for (const [path, viewport] of [
    ["/embed/emit", DESKTOP.viewport],
    ["/lessons/emit", DESKTOP.viewport],
    ["/lessons/rooms", DESKTOP.viewport],
    ["/lessons/rooms", PHONE.viewport],
  ] as const) {
    it(`${path} at ${viewport.width} px: the clients fill the lab's width, with no empty column`, async () => {
      const { page } = await openPage(browser, { viewport });
      await page.goto(`${origin}${path}`);
      await showLab(page);
      await labReady(page);
      const { grid, rights } = await page.evaluate(() => {
        const clients = document.querySelector<HTMLElement>("[data-lab] .clients")!;
        const box = clients.getBoundingClientRect();
        const panels = [...clients.children].map((panel) => panel.getBoundingClientRect().right);
        return { grid: { left: box.left, right: box.right }, rights: panels };
      });
      expect(rights.length).toBeGreaterThanOrEqual(2);
      expect(Math.max(...rights)).toBeGreaterThan(grid.right - 2);
      await page.context().close();
    });
  }

  it("/embed/emit: the timeline draws the rows its viewport shows, also when they came while it was off screen", async () => {
    const { page } = await openPage(browser, DESKTOP);
    await page.goto(`${origin}/embed/emit`);
    await labReady(page);
    const alice = page.getByRole("group", { name: "Alice" });
    await alice
      .getByRole("status")
      .filter({ hasText: /^connected/ })
      .waitFor();
    const count = page.locator(".timeline-count");
    // Enough rows that the newest are more than a viewport and its overscan below the oldest.
    for (let sent = 0; sent < 12; sent++) await alice.getByRole("button", { name: "Emit", exact: true }).click();
    await expect
      .poll(async () => Number(/^(\d+) of/.exec((await count.textContent()) ?? "")?.[1] ?? 0), { timeout: 10_000 })
      .toBeGreaterThanOrEqual(40);
    const uncovered = () =>
      page.evaluate(() => {
        const viewport = document.querySelector<HTMLElement>(".timeline-viewport")!;
        const drawn = new Set([...viewport.querySelectorAll<HTMLElement>(".timeline-row")].map((row) => row.offsetTop));
        const total = viewport.querySelector<HTMLElement>(".timeline-spacer")!.offsetHeight;
        const missing: number[] = [];
        for (
          let top = Math.floor(viewport.scrollTop / 26) * 26;
          top < Math.min(total, viewport.scrollTop + viewport.clientHeight);
          top += 26
        ) {
          if (!drawn.has(top)) missing.push(top / 26);
        }
        return missing;
      });
    expect(await page.locator(".timeline-viewport").evaluate((element) => element.getBoundingClientRect().top > innerHeight)).toBe(true);
    expect(await uncovered()).toEqual([]);
    // In view, it follows the newest row, and draws what it shows there too.
    await page.locator(".timeline-viewport").scrollIntoViewIfNeeded();
    await expect
      .poll(() =>
        page.locator(".timeline-viewport").evaluate((element) => element.scrollTop + element.clientHeight >= element.scrollHeight - 2),
      )
      .toBe(true);
    expect(await uncovered()).toEqual([]);
    await page.context().close();
  });

  it("/lessons/emit at 390 px: the lab's part headings line up, the timeline's too, closed and open", async () => {
    const { page } = await openPage(browser, PHONE);
    await page.goto(`${origin}/lessons/emit`);
    await showLab(page);
    await labReady(page);
    const lab = page.getByRole("region", { name: "Your lab" });
    const left = async (name: string) => (await lab.getByRole("heading", { name, exact: true }).boundingBox())?.x;
    // The first step leaves the timeline and the server log closed to their heading line.
    expect(await left("Timeline")).toBe(await left("Server log"));
    await lab.getByRole("button", { name: "Show the whole lab" }).click();
    expect(await left("Timeline")).toBe(await left("Server log"));
    await page.context().close();
  });

  it("/lessons/rooms at 390 px: every scenario step stays inside its card, long JSON arguments too", async () => {
    const { page } = await openPage(browser, PHONE);
    await page.goto(`${origin}/lessons/rooms`);
    await showLab(page);
    await labReady(page);
    const spilled = await page
      .getByRole("region", { name: "Scenarios" })
      .getByRole("article")
      .evaluateAll((articles) =>
        articles.flatMap((article) => {
          const edge = article.getBoundingClientRect().right;
          return [...article.querySelectorAll("ol li")]
            .filter((row) => row.scrollWidth > row.clientWidth || row.getBoundingClientRect().right > edge)
            .map((row) => row.textContent?.slice(0, 40));
        }),
      );
    expect(spilled).toEqual([]);
    await page.context().close();
  });

  it("/embed/emit shows each share box only once its button has filled it", async () => {
    const { page, errors } = await openPage(browser, DESKTOP);
    await page.goto(`${origin}/embed/emit`);
    await labReady(page);
    const region = page.getByRole("region", { name: "Scenarios" });
    const link = region.getByRole("textbox", { name: "Scenario link" });
    const embed = region.getByRole("textbox", { name: "Embed code" });
    const report = region.getByRole("textbox", { name: "Bug report" });
    const copyEmbed = region.getByRole("button", { name: "Copy embed code" });
    const visible = async () => ({
      link: await link.isVisible(),
      embed: await embed.isVisible(),
      copyEmbed: await copyEmbed.isVisible(),
      report: await report.isVisible(),
    });
    expect(await visible()).toEqual({ link: false, embed: false, copyEmbed: false, report: false });

    const article = region.getByRole("article").first();
    await article.getByRole("button", { name: "Copy link" }).click();
    await expect.poll(() => link.inputValue(), { timeout: 20_000 }).toMatch(/#scenario=/);
    expect(await visible()).toEqual({ link: true, embed: true, copyEmbed: true, report: false });

    await article.getByRole("button", { name: "Copy as a bug report" }).click();
    await expect.poll(() => report.inputValue(), { timeout: 20_000 }).not.toBe("");
    expect(await visible()).toEqual({ link: true, embed: true, copyEmbed: true, report: true });
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
