import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openPage, showLab, showWholeLab } from "../support/browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

/** The diagram's sideways overflow, its lane labels' boxes and one row's clock, once Rooms' four clients are on it. */
async function diagram(page: Page) {
  return page.locator(".timeline-diagram").evaluate((box) => {
    const labels = [...box.querySelectorAll<HTMLElement>(".timeline-lanes span")].map((label) => {
      const { left, right } = label.getBoundingClientRect();
      return { text: label.textContent ?? "", left, right };
    });
    const time = box.querySelector<HTMLElement>(".timeline-row .time");
    return { scrollWidth: box.scrollWidth, clientWidth: box.clientWidth, labels, time: time?.innerText ?? "" };
  });
}

for (const [size, viewport] of [
  ["390×844", { width: 390, height: 844 }],
  ["1280×800", { width: 1280, height: 800 }],
] as const) {
  describe(`the timeline of Broadcast & rooms at ${size}`, () => {
    it("fits its five lanes without scrolling sideways, each lane's name clear of the next", async () => {
      const phone = viewport.width < 500;
      const { page, errors } = await openPage(browser, { viewport, isMobile: phone, hasTouch: phone });
      await page.goto(`${inject("origin")}/lessons/rooms`);
      await showLab(page);
      // Rooms' first step closes the clients it does not use: Dave's status is in his panel.
      await showWholeLab(page);
      await page
        .getByRole("group", { name: "Dave" })
        .getByRole("status")
        .filter({ hasText: /^connected/ })
        .waitFor();
      await expect.poll(async () => (await diagram(page)).labels.length).toBe(5);
      await page.locator(".timeline-row").first().waitFor();
      const { scrollWidth, clientWidth, labels, time } = await diagram(page);
      expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
      const sorted = [...labels].sort((a, b) => a.left - b.left);
      for (const [index, label] of sorted.entries()) {
        const next = sorted[index + 1];
        if (next) expect(label.right, `${label.text} runs into ${next.text}`).toBeLessThan(next.left);
      }
      // A wide timeline keeps the whole clock; a phone's shows seconds and milliseconds only.
      expect(time).toMatch(phone ? /^\d\d\.\d{3}$/ : /^\d\d:\d\d:\d\d\.\d{3}$/);
      expect(errors).toEqual([]);
      await page.context().close();
    });
  });
}
