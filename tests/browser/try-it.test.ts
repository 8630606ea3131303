import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openPage } from "../support/browser.js";
import { COURSE_SLUGS } from "../../src/shared/course.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

/**
 * Every "Try it" button of every lesson reaches a control of the lab: the text names controls by the words
 * on the page, so a control renamed or removed fails here instead of leaving a button that points nowhere.
 */
describe("every lesson's Try it buttons", () => {
  for (const slug of COURSE_SLUGS) {
    it(`focus a control of the lab in ${slug}`, async () => {
      const { page, errors } = await openPage(browser, { viewport: { width: 1280, height: 800 } });
      await page.goto(`${inject("origin")}/lessons/${slug}`);
      const buttons = await page.locator("button.try-it").evaluateAll((all) =>
        all.map((button) => ({
          name: button.getAttribute("aria-label") ?? "",
          step: button.closest<HTMLElement>("[data-step]")?.dataset.step ?? "",
        })),
      );
      const missed: string[] = [];
      for (const [index, { name, step }] of buttons.entries()) {
        await page.evaluate((hash) => (location.hash = hash), step);
        await page.locator("button.try-it").nth(index).click();
        const reached = await page
          .waitForFunction(
            () => document.activeElement?.closest("[data-lab]") !== null && document.activeElement !== document.body,
            undefined,
            { timeout: 15_000 },
          )
          .then(() => true)
          .catch(() => false);
        if (!reached) missed.push(`${step}: ${name}`);
        await page.locator("h1").click();
      }
      expect(missed).toEqual([]);
      expect(errors).toEqual([]);
      await page.context().close();
    }, 180_000);
  }
});
