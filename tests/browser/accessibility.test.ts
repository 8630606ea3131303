import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, openCodeEditor, openPage, showWholeLab } from "../support/browser.js";
import { COURSE_SLUGS } from "../../src/shared/course.js";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

/** axe-core's serious and critical findings on the page as it is now, in light or dark mode. */
async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's policy refuses an injected inline <script>, as it should.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document): Promise<{ violations: Violation[] }> } }).axe;
    return (await axe.run(document)).violations;
  });
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`,
    );
}

const pages = ["/", ...COURSE_SLUGS.map((slug) => `/lessons/${slug}`)];

describe("accessibility (axe-core)", () => {
  for (const colorScheme of ["light", "dark"] as const) {
    for (const path of pages) {
      it(`finds no serious or critical violations on ${path} (${colorScheme})`, async () => {
        const { page } = await openPage(browser, { colorScheme });
        await page.goto(`${inject("origin")}${path}`, { waitUntil: "networkidle" });
        // Let the lab fill in: its clients connected, its panels rendered.
        if (path.startsWith("/lessons/"))
          await page
            .locator(".lab-status")
            .filter({ hasText: /Lab ready|coming soon/ })
            .count();
        expect(await seriousViolations(page)).toEqual([]);
        // The first step closes the parts it does not use; open them all, and check what they show too.
        if (path.startsWith("/lessons/")) {
          await showWholeLab(page);
          expect(await seriousViolations(page)).toEqual([]);
        }
        await page.context().close();
      });
    }
  }

  for (const colorScheme of ["light", "dark"] as const) {
    it(`finds no serious or critical violations in a played scenario, the share boxes and the recorder (${colorScheme})`, async () => {
      const { page, errors } = await openPage(browser, { colorScheme });
      await page.goto(`${inject("origin")}/lessons/emit`, { waitUntil: "networkidle" });
      await page
        .getByRole("group", { name: "Bob", exact: true })
        .getByRole("status")
        .filter({ hasText: /^connected/ })
        .waitFor();
      const region = page.getByRole("region", { name: "Scenarios" });
      const article = region.getByRole("article").first();
      await article.getByRole("button", { name: "Play" }).click();
      await article
        .locator(".scenario-state")
        .filter({ hasText: /^Done:/ })
        .waitFor({ timeout: 30_000 });
      await article.getByRole("button", { name: "Copy link" }).click();
      await region.getByRole("textbox", { name: "Scenario link" }).waitFor();
      await region.getByRole("button", { name: "Record" }).click();
      await region.getByRole("group", { name: "Add an expectation" }).waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }

  for (const colorScheme of ["light", "dark"] as const) {
    it(`finds no serious or critical violations in a timeline with a dropped frame's row (${colorScheme})`, async () => {
      const { page, errors } = await openPage(browser, { colorScheme });
      await page.goto(`${inject("origin")}/lessons/acks`, { waitUntil: "networkidle" });
      await showWholeLab(page);
      const article = page
        .getByRole("region", { name: "Scenarios" })
        .getByRole("article", { name: "A lost ack: the timeout is the only news" });
      await article.getByRole("button", { name: "Play" }).click();
      await article
        .locator(".scenario-state")
        .filter({ hasText: /^Done:/ })
        .waitFor({ timeout: 30_000 });
      await page.locator('.timeline-rows [data-fault="dropped"]').first().waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }

  it("finds no serious or critical violations on /embed/emit", async () => {
    const { page } = await openPage(browser);
    await page.goto(`${inject("origin")}/embed/emit`, { waitUntil: "networkidle" });
    await page
      .locator(".lab-status")
      .filter({ hasText: /Lab ready/ })
      .waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.context().close();
  });

  it("finds no serious or critical violations in the opened code editor", { timeout: 60_000 }, async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${inject("origin")}/lessons/emit#check-yourself`, { waitUntil: "networkidle" });
    await openCodeEditor(page, errors);
    expect(await seriousViolations(page)).toEqual([]);
    await page.context().close();
  });
});
