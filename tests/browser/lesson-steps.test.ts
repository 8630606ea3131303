import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openPage, showWholeLab } from "../support/browser.js";

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

async function lessonPage(path: string, viewport: { width: number; height: number }): Promise<{ page: Page; errors: string[] }> {
  const opened = await openPage(browser, { viewport, hasTouch: viewport === PHONE, isMobile: viewport === PHONE });
  await opened.page.goto(`${inject("origin")}${path}`);
  return opened;
}

/** Alice's status line: "connected · id <socket id> · websocket". */
async function aliceSocketId(page: Page): Promise<string> {
  const status = page
    .getByRole("group", { name: "Alice" })
    .getByRole("status")
    .filter({ hasText: /^connected/ });
  await status.waitFor();
  const text = (await status.textContent()) ?? "";
  const id = /id (\S+)/.exec(text)?.[1];
  if (!id) throw new Error(`no socket id in "${text}"`);
  return id;
}

/** The steps' headings the page shows, one at a time. */
async function visibleStepHeading(page: Page): Promise<string> {
  const steps = page.locator("[data-step]:not([hidden])");
  expect(await steps.count()).toBe(1);
  return (await steps.locator("h2").first().textContent()) ?? "";
}

for (const [size, viewport] of [
  ["desktop", DESKTOP],
  ["phone", PHONE],
] as const) {
  describe(`a lesson's steps on a ${size}`, () => {
    it("moves through every step of the Emit lesson without reconnecting Alice", async () => {
      const { page, errors } = await lessonPage("/lessons/emit", viewport);
      if (viewport === PHONE) await page.getByRole("tab", { name: "Lab" }).click();
      const before = await aliceSocketId(page);
      if (viewport === PHONE) await page.getByRole("tab", { name: "Read" }).click();
      const seen = [await visibleStepHeading(page)];
      const next = page.getByRole("link", { name: "Next step", exact: true });
      while (await next.isVisible()) {
        const previous = seen.at(-1);
        await next.click();
        // The step changes on the fragment's hashchange, a task after the click: wait for it.
        await expect.poll(() => visibleStepHeading(page)).not.toBe(previous);
        const heading = await visibleStepHeading(page);
        expect(seen).not.toContain(heading);
        seen.push(heading);
      }
      expect(seen.length).toBeGreaterThanOrEqual(6);
      expect(seen.at(-1)).toBe("Check yourself");
      expect(new URL(page.url()).hash).toBe("#check-yourself");
      await page.getByRole("link", { name: "Previous step", exact: true }).click();
      // As above, the step changes a task after the click.
      await expect.poll(() => visibleStepHeading(page)).toBe(seen.at(-2));
      if (viewport === PHONE) await page.getByRole("tab", { name: "Lab" }).click();
      expect(await aliceSocketId(page)).toBe(before);
      expect(errors).toEqual([]);
      await page.context().close();
    });

    it("brings the control a Try it button names into view and focuses it", async () => {
      const { page, errors } = await lessonPage("/lessons/emit#the-idea", viewport);
      expect(await visibleStepHeading(page)).toMatch(/^The idea/);
      const tryIt = page.getByRole("button", { name: "Try it: Event name in Alice's panel" });
      await tryIt.scrollIntoViewIfNeeded();
      const scrolledBefore = await page.evaluate(() => window.scrollY);
      await tryIt.click();
      const field = page.getByRole("group", { name: "Alice" }).getByRole("textbox", { name: "Event name" });
      await expect.poll(() => field.evaluate((element) => element === document.activeElement), { timeout: 15_000 }).toBe(true);
      expect(await field.isVisible()).toBe(true);
      // On a wide screen the pinned lab scrolls itself: the text the learner reads does not move.
      if (viewport === DESKTOP) expect(await page.evaluate(() => window.scrollY)).toBe(scrolledBefore);
      const box = await field.boundingBox();
      expect(box && box.y >= 0 && box.y + box.height <= viewport.height).toBe(true);
      if (viewport === PHONE) {
        expect(await page.getByRole("tab", { name: "Lab" }).getAttribute("aria-selected")).toBe("true");
        await page.getByRole("button", { name: "Back to the text" }).click();
        await expect.poll(() => tryIt.evaluate((element) => element === document.activeElement)).toBe(true);
      }
      expect(errors).toEqual([]);
      await page.context().close();
    });

    it("keeps a Check yourself answer hidden until Show answer is pressed", async () => {
      const { page } = await lessonPage("/lessons/emit#check-yourself", viewport);
      const answer = page.getByText('Answer: 42["move",3,4]', { exact: false });
      expect(await answer.isVisible()).toBe(false);
      await page.getByRole("button", { name: "Show answer" }).first().click();
      expect(await answer.isVisible()).toBe(true);
      await page.context().close();
    });
  });
}

describe("the lesson's keyboard and phone layout", () => {
  it("moves to the next step with the right arrow key and puts focus on its heading", async () => {
    const { page } = await lessonPage("/lessons/emit", DESKTOP);
    await page.locator("h1").click();
    await page.keyboard.press("ArrowRight");
    expect(await visibleStepHeading(page)).toMatch(/^The idea/);
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("H2");
    await page.context().close();
  });

  it("has no horizontal scroll on a phone, in either tab", async () => {
    const { page } = await lessonPage("/lessons/rooms", PHONE);
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.getByRole("tab", { name: "Lab" }).click();
    await page
      .getByRole("group", { name: "Alice" })
      .getByRole("status")
      .filter({ hasText: /^connected/ })
      .waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.context().close();
  });
});

describe("the inspector on a phone", () => {
  it("shows each socket as a card whose id stays on one line, still a table with its rows", async () => {
    const { page } = await lessonPage("/lessons/emit", PHONE);
    await page.getByRole("tab", { name: "Lab" }).click();
    // No step of Emit uses the inspector: the learner opens the whole lab to see it.
    await showWholeLab(page);
    const table = page.getByRole("table", { name: "Sockets" });
    const row = table.getByRole("row").filter({ hasText: "Alice" });
    await row.waitFor();
    // Measured in one step in the page: the view draws the table anew on each inspector snapshot, several
    // a second while the clients connect, and a cell looked up in one call may be gone by the next.
    const measured = await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll<HTMLTableRowElement>(".inspector-sockets tr")];
      const cell = rows.find((tr) => tr.cells[0]?.textContent?.includes("Alice"))?.cells[1];
      if (!cell?.isConnected) return undefined;
      const style = getComputedStyle(cell);
      const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
      return { lines: Math.round(cell.getBoundingClientRect().height / line), label: getComputedStyle(cell, "::before").content };
    });
    const { lines, label } = (await measured.jsonValue()) as { lines: number; label: string };
    expect(lines).toBeLessThanOrEqual(1);
    expect(label).toBe('"Socket id: "');
    await page.context().close();
  });
});

describe("search and glossary", () => {
  it("finds sticky session on the Scaling lesson from the / shortcut", async () => {
    const { page, errors } = await lessonPage("/", DESKTOP);
    await page.keyboard.press("/");
    const search = page.getByRole("searchbox", { name: "Search" });
    expect(await search.evaluate((element) => element === document.activeElement)).toBe(true);
    await search.fill("sticky session");
    const hit = page.getByRole("list", { name: "Search results" }).getByRole("link").filter({ hasText: "Scaling" }).first();
    await hit.waitFor({ timeout: 15_000 });
    await hit.click();
    await page.waitForURL(/\/lessons\/scaling/);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("opens a glossary term's definition from the keyboard", async () => {
    const { page, errors } = await lessonPage("/lessons/rooms#the-idea", DESKTOP);
    const term = page.locator("[data-step]:not([hidden]) button.term").first();
    const popover = page.locator(`#${await term.getAttribute("popovertarget")}`);
    expect(await popover.isVisible()).toBe(false);
    await term.focus();
    await page.keyboard.press("Enter");
    await popover.waitFor();
    expect(await popover.textContent()).toContain("In the glossary");
    await page.keyboard.press("Escape");
    await popover.waitFor({ state: "hidden" });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("explains a 2probe entry of the timeline when it is clicked", async () => {
    // The step that reads the timeline's entries.
    const { page, errors } = await lessonPage("/lessons/emit#what-just-happened", DESKTOP);
    // Both clients on WebSocket: their upgrades' entries are all in, and the diagram, which follows its
    // newest entry, has stopped scrolling under the pointer (on a busy machine a click then hit the next row).
    for (const name of ["Alice", "Bob"])
      await page
        .getByRole("group", { name })
        .getByRole("status")
        .filter({ hasText: /^connected.*websocket$/ })
        .waitFor();
    const probe = page.locator(".timeline-rows [data-seq]").filter({ hasText: "2probe" }).first();
    await probe.waitFor();
    await probe.click();
    const details = page.locator(".timeline-details");
    await details.getByText("2probe: The client tests the new WebSocket").waitFor();
    expect(await details.getByRole("link", { name: "see Transports" }).getAttribute("href")).toBe("/lessons/transports");
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("lists every term on the glossary page, each with its own address", async () => {
    const { page } = await lessonPage("/glossary#sticky-session", DESKTOP);
    expect(await page.getByRole("heading", { name: "Glossary", level: 1 }).isVisible()).toBe(true);
    expect(await page.locator("#sticky-session dt").textContent()).toBe("sticky session");
    expect(await page.locator("dl > div").count()).toBeGreaterThanOrEqual(12);
    await page.context().close();
  });
});

describe("an exercise's hints", () => {
  it("shows the code exercise's hints one at a time, only when asked", async () => {
    // The step whose exercises the code box holds.
    const { page, errors } = await lessonPage("/lessons/acks#check-yourself", DESKTOP);
    const box = page.getByRole("region", { name: "Try it in code" });
    const hints = box.getByRole("list", { name: "Hints" }).getByRole("listitem");
    await page
      .getByRole("group", { name: "Alice" })
      .getByRole("status")
      .filter({ hasText: /^connected/ })
      .waitFor();
    expect(await hints.count()).toBe(0);
    const hint = box.getByRole("button", { name: "Hint", exact: true });
    await hint.click();
    expect(await hints.count()).toBe(1);
    expect(await hints.first().textContent()).toContain("emitWithAck");
    await hint.click();
    expect(await hints.count()).toBe(2);
    expect(await hint.isDisabled()).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
