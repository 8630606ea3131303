import { chromium, type Browser, type BrowserContextOptions, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, inject } from "vitest";
import { CHROMIUM_LAUNCH } from "../../scripts/production-server.mjs";

/** Debian's Chromium; playwright-core never downloads a browser. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch(CHROMIUM_LAUNCH);
}

/** A fresh page (own storage, so a fresh learner) that records every console error and uncaught exception. */
export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return { page, errors };
}

/**
 * One browser for the file and a fresh page per test, opened on `path` of the production build with the
 * named clients connected and, unless `wholeLab` is false, every part of the lab open. Returns accessors,
 * valid inside tests.
 */
export function useLabPage(path: string, connected: readonly string[] = ["Alice", "Bob"], { wholeLab = true } = {}) {
  let browser: Browser;
  let current: { page: Page; errors: string[] };
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser.close());
  beforeEach(async () => {
    current = await openPage(browser);
    await current.page.goto(`${inject("origin")}${path}`);
    // These tests drive the lab's features, whatever step the page opens on: they see the whole lab, as a
    // learner who presses "Show the whole lab" does. tests/browser/lab-parts.test.ts tests the step's view.
    if (wholeLab) await showWholeLab(current.page);
    for (const name of connected) {
      await current.page
        .getByRole("group", { name })
        .getByRole("status")
        .filter({ hasText: /^connected/ })
        .waitFor();
    }
  });
  afterEach(() => current.page.context().close());
  return { page: () => current.page, errors: () => current.errors };
}

/**
 * Opens the lesson's code editor and waits until it is ready (Run enabled). The editor loads Monaco on
 * demand, a few seconds on a busy machine; when it does not become ready, the error says what the page
 * reported (its status line and console errors) instead of only timing out.
 */
export async function openCodeEditor(page: Page, errors: readonly string[] = [], timeout = 25_000): Promise<void> {
  const playground = page.getByRole("region", { name: "Try it in code" });
  await playground.getByRole("button", { name: "Open the code editor" }).click();
  const ready = playground.getByRole("button", { name: "Run", exact: true }).and(page.locator(":enabled"));
  const failed = playground.getByRole("status").filter({ hasText: "The editor could not load" });
  try {
    await ready.or(failed).first().waitFor({ timeout });
  } catch {
    // Falls through to the report below.
  }
  if (await ready.isVisible()) return;
  const status = await playground.locator(".run-status").textContent();
  throw new Error(
    `The code editor did not become ready within ${timeout} ms. Status: "${status ?? ""}". Console errors: ${JSON.stringify(errors)}`,
  );
}

/** On a narrow screen the lab is behind the "Lab" tab: selects it when the tabs are shown, else does nothing. */
export async function showLab(page: Page): Promise<void> {
  const tab = page.getByRole("tab", { name: "Lab" });
  if (await tab.isVisible()) await tab.click();
}

/**
 * Presses the lab's "Show the whole lab", so every part is open on every step (a lesson's steps otherwise
 * close the parts they do not use: src/client/ui/lab-parts-view.ts). It is pressed in the page's script
 * even behind the phone's Read tab, where it is not on screen; a lesson with no declarations has none.
 */
export async function showWholeLab(page: Page): Promise<void> {
  // The page's script offers the button once it has read the lesson's declarations.
  const button = page.locator("[data-lab] .whole-lab:not([hidden])");
  await button.waitFor({ state: "attached", timeout: 10_000 });
  await button.evaluate((element) => {
    if (element.getAttribute("aria-pressed") !== "true") (element as HTMLButtonElement).click();
  });
}
