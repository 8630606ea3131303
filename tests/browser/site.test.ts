import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { COURSE_SLUGS } from "../../src/shared/course.js";
import { launchBrowser, openPage } from "../support/browser.js";

const origin = inject("origin");
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

const pages = ["/", ...COURSE_SLUGS.map((slug) => `/lessons/${slug}`)];

describe("the site", () => {
  it("lists every lesson in course order, each linking to its page, none still coming soon", async () => {
    const { page } = await openPage(browser);
    await page.goto(origin);
    const items = page.getByRole("list", { name: "The course" }).getByRole("listitem");
    expect(await items.count()).toBe(COURSE_SLUGS.length);
    for (const [index, slug] of COURSE_SLUGS.entries()) {
      const item = items.nth(index);
      expect(await item.getByRole("link").first().getAttribute("href")).toBe(`/lessons/${slug}`);
      expect(await item.textContent()).not.toContain("coming soon");
    }
    expect(await items.nth(7).getByRole("link", { name: "Scaling" }).count()).toBe(1);
  });

  for (const path of pages) {
    it(`${path} loads with no console errors and no broken links`, async () => {
      const { page, errors } = await openPage(browser);
      const response = await page.goto(`${origin}${path}`);
      expect(response?.status()).toBe(200);
      if (
        ["/lessons/emit", "/lessons/acks", "/lessons/rooms", "/lessons/recovery", "/lessons/retries", "/lessons/transports"].includes(path)
      ) {
        await page
          .getByRole("group", { name: "Bob" })
          .getByRole("status")
          .filter({ hasText: /^connected/ })
          .waitFor();
      }
      if (path === "/lessons/why-websocket") await page.getByRole("status").filter({ hasText: "Push: connected over websocket" }).waitFor();
      const hrefs = await page.locator("a[href^='/']").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
      for (const href of new Set(hrefs)) {
        const linked = await fetch(`${origin}${href}`);
        expect(linked.status, `${path} links to ${href}`).toBe(200);
      }
      await page.close();
      expect(errors).toEqual([]);
    });
  }

  it("answers an unknown address with a 404 and the site's own page, with a way back into every lesson", async () => {
    const { page, errors } = await openPage(browser);
    const response = await page.goto(`${origin}/no-such-page`);
    expect(response?.status()).toBe(404);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Page not found");
    expect(await page.getByRole("link", { name: "Go to the course" }).getAttribute("href")).toBe("/");
    for (const slug of COURSE_SLUGS) expect(await page.locator(`main a[href="/lessons/${slug}"]`).count()).toBeGreaterThan(0);
    expect(errors.filter((error) => !error.includes("404"))).toEqual([]);
    await page.context().close();
  });

  it("remembers a visited and a completed lesson across reloads, with the course's progress bar", async () => {
    const { page } = await openPage(browser);
    await page.goto(`${origin}/lessons/emit#check-yourself`);
    const toggle = page.getByRole("button", { name: "Mark lesson complete" });
    expect(await toggle.getAttribute("aria-pressed")).toBe("false");
    await page.goto(origin);
    const emitCard = page.getByRole("list", { name: "The course" }).getByRole("listitem").nth(1);
    expect(await emitCard.textContent()).toContain("visited");
    await page.goto(`${origin}/lessons/emit#check-yourself`);
    await toggle.click();
    await page.reload();
    expect(await page.getByRole("button", { name: "Mark lesson complete" }).getAttribute("aria-pressed")).toBe("true");
    await page.goto(origin);
    expect(await emitCard.textContent()).toContain("completed");
    const bar = page.getByRole("progressbar", { name: "Your progress" });
    expect(await bar.getAttribute("value")).toBe("1");
    expect(await page.getByText("1 of 8 lessons completed").isVisible()).toBe(true);
  });

  it("offers Mark lesson complete after a lesson's last step only", async () => {
    const { page } = await openPage(browser);
    await page.goto(`${origin}/lessons/emit`);
    const toggle = page.getByRole("button", { name: "Mark lesson complete" });
    expect(await toggle.isVisible()).toBe(false);
    await page.goto(`${origin}/lessons/emit#check-yourself`);
    expect(await toggle.isVisible()).toBe(true);
    await page.close();
  });

  it("puts the lab beside the text on a wide screen, and the text and the lab in two tabs on a phone", async () => {
    for (const [width, beside] of [
      [1400, true],
      [390, false],
    ] as const) {
      const { page } = await openPage(browser, { viewport: { width, height: 900 } });
      await page.goto(`${origin}/lessons/emit`);
      // The lesson's own article (the lab's Scenarios region lists its scenarios as articles too).
      const article = page.getByRole("article").filter({ has: page.getByRole("heading", { level: 1 }) });
      const lab = page.getByRole("region", { name: "Your lab" });
      if (beside) {
        const text = await article.boundingBox();
        const box = await lab.boundingBox();
        expect(text && box).toBeTruthy();
        expect(box!.x).toBeGreaterThan(text!.x + text!.width - 1);
        expect(await page.getByRole("tab", { name: "Lab" }).isVisible()).toBe(false);
      } else {
        expect(await page.getByRole("tab", { name: "Read" }).getAttribute("aria-selected")).toBe("true");
        expect(await lab.isVisible()).toBe(false);
        await page.getByRole("tab", { name: "Lab" }).click();
        await lab.waitFor();
        expect(await article.isVisible()).toBe(false);
      }
      // Nothing spills sideways on a phone.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.close();
    }
  });
});
