import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openPage } from "../support/browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

const sidebar = (page: Page) => page.getByRole("navigation", { name: "Course" });
const toggle = (page: Page) => sidebar(page).getByRole("button", { name: "Course contents" });

describe("the course sidebar at 1280×800", () => {
  it("is a collapsed rail of step numbers that ticks the seen steps and marks the current one", async () => {
    const { page, errors } = await openPage(browser, { viewport: { width: 1280, height: 800 } });
    await page.goto(`${inject("origin")}/lessons/emit`);
    expect(await toggle(page).getAttribute("aria-expanded")).toBe("false");
    const first = sidebar(page).getByRole("link", { name: /^1 The problem/ });
    const second = sidebar(page).getByRole("link", { name: /^2 The idea/ });
    await expect.poll(() => first.getAttribute("aria-current")).toBe("step");
    // Beside the text, not above it: the rail's right edge is left of the step's heading.
    const rail = await sidebar(page).boundingBox();
    const heading = await page.getByRole("heading", { name: "The problem", level: 2 }).boundingBox();
    expect(rail && heading && rail.x + rail.width <= heading.x).toBe(true);

    await page.getByRole("link", { name: "Next step", exact: true }).click();
    await expect.poll(() => second.getAttribute("aria-current")).toBe("step");
    expect(await first.getAttribute("aria-current")).toBeNull();
    await sidebar(page)
      .getByRole("link", { name: /^1 The problem \(seen\)$/ })
      .waitFor();
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("opens from the keyboard to list the lessons, and stays open on the next page", async () => {
    const { page, errors } = await openPage(browser, { viewport: { width: 1280, height: 800 } });
    await page.goto(`${inject("origin")}/lessons/emit`);
    await toggle(page).focus();
    expect(await toggle(page).evaluate((button) => button.matches(":focus-visible"))).toBe(true);
    await page.keyboard.press("Enter");
    expect(await toggle(page).getAttribute("aria-expanded")).toBe("true");
    const lesson = sidebar(page).getByRole("link", { name: "Emit", exact: true });
    expect(await lesson.getAttribute("aria-current")).toBe("page");
    await sidebar(page).getByRole("link", { name: "Acknowledgements", exact: true }).click();
    await page.waitForURL(/\/lessons\/acks/);
    expect(await toggle(page).getAttribute("aria-expanded")).toBe("true");
    expect(await sidebar(page).getByRole("link", { name: "Emit", exact: true }).isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe("the course sidebar at 390×844", () => {
  it("is a drawer above the text that ticks the seen steps, marks the current one and closes on a choice", async () => {
    const { page, errors } = await openPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await page.goto(`${inject("origin")}/lessons/emit`);
    await page.getByRole("link", { name: "Next step", exact: true }).click();
    await toggle(page).click();
    expect(await toggle(page).getAttribute("aria-expanded")).toBe("true");
    const body = sidebar(page).locator(".course-nav-body");
    const current = body.getByRole("link", { name: /^The idea/ });
    expect(await current.getAttribute("aria-current")).toBe("step");
    expect(await body.locator('[data-contents-step="the-problem"]').textContent()).toContain("(seen)");
    expect(
      await body.locator('[data-contents-step="the-problem"] .tick').evaluate((tick) => getComputedStyle(tick, "::after").content),
    ).toBe('"✓"');
    await body
      .getByRole("link", { name: /^Try it/ })
      .first()
      .click();
    await expect.poll(() => toggle(page).getAttribute("aria-expanded")).toBe("false");
    expect(new URL(page.url()).hash).toMatch(/^#try-it/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
