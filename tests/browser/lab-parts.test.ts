import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openPage } from "../support/browser.js";

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

async function lessonPage(path: string, viewport: typeof DESKTOP): Promise<{ page: Page; errors: string[] }> {
  const phone = viewport === PHONE;
  const opened = await openPage(browser, { viewport, hasTouch: phone, isMobile: phone });
  await opened.page.goto(`${inject("origin")}${path}`);
  if (phone) await opened.page.getByRole("tab", { name: "Lab" }).click();
  await connected(opened.page.getByRole("group", { name: "Alice", exact: true }));
  return opened;
}

/** A client's status line says "connected…": it stays on screen in a closed panel's line too. */
const connected = (client: Locator) =>
  client
    .getByRole("status")
    .filter({ hasText: /^connected/ })
    .waitFor();

/** The button in a part's heading that opens and closes it, named as the part. */
const toggleOf = (part: Locator, name: string) => part.getByRole("button", { name, exact: true });

const expanded = async (part: Locator, name: string) => (await toggleOf(part, name).getAttribute("aria-expanded")) === "true";

for (const [size, viewport] of [
  ["desktop", DESKTOP],
  ["phone", PHONE],
] as const) {
  describe(`the lab follows the step on a ${size}`, () => {
    it("opens and marks the parts a step uses, and closes the others to a live one-line summary", async () => {
      // "A quick look at acknowledgements" uses Alice, the server log and the timeline; not Bob.
      const { page, errors } = await lessonPage("/lessons/emit#a-quick-look-at-acknowledgements", viewport);
      const alice = page.getByRole("group", { name: "Alice", exact: true });
      const bob = page.getByRole("group", { name: "Bob", exact: true });
      const log = page.getByRole("region", { name: "Server log" });

      expect(await expanded(alice, "Alice")).toBe(true);
      expect(await expanded(log, "Server log")).toBe(true);
      expect(await alice.getByText("Used in this step").isVisible()).toBe(true);
      expect(await log.getByText("Used in this step").isVisible()).toBe(true);
      expect(await alice.getByRole("button", { name: "Emit" }).isVisible()).toBe(true);

      expect(await expanded(bob, "Bob")).toBe(false);
      expect(await bob.getByText("Used in this step").isVisible()).toBe(false);
      expect(await bob.getByRole("button", { name: "Emit" }).isVisible()).toBe(false);
      // Closed, Bob is one line: his name, his status, what he received; and it stays live.
      await connected(bob);
      const summary = bob.locator(".part-summary");
      await summary.filter({ hasText: /^0 received$/ }).waitFor();
      const line = await bob.boundingBox();
      expect(line?.height).toBeLessThan(56);
      await alice.getByRole("button", { name: "Emit" }).click();
      await summary.filter({ hasText: /^1 received$/ }).waitFor();

      // "Show the whole lab" opens every part, and gives the step's view back when released.
      const whole = page.getByRole("button", { name: "Show the whole lab" });
      await whole.click();
      expect(await whole.getAttribute("aria-pressed")).toBe("true");
      expect(await bob.getByRole("button", { name: "Emit" }).isVisible()).toBe(true);
      expect(await alice.getByText("Used in this step").isVisible()).toBe(true);
      await whole.click();
      expect(await bob.getByRole("button", { name: "Emit" }).isVisible()).toBe(false);
      expect(errors).toEqual([]);
      await page.context().close();
    });

    it("closes the server settings of a step that does not use them to a line that says each value in force", async () => {
      // "The problem" uses Alice and Bob only.
      const { page, errors } = await lessonPage("/lessons/recovery#the-problem", viewport);
      const settings = page.getByRole("group", { name: "Server settings" });
      expect(await expanded(settings, "Server settings")).toBe(false);
      const summary = settings.locator(".part-summary");
      await summary.filter({ hasText: /^Resend when not recovered: 0$/ }).waitFor();
      // Changed from its box (opened by hand), the value in force is what the closed line says.
      await toggleOf(settings, "Server settings").click();
      await settings.getByRole("spinbutton", { name: /Resend when not recovered/ }).fill("2");
      await settings.getByRole("spinbutton", { name: /Resend when not recovered/ }).press("Tab");
      await expect.poll(() => settings.locator(".settings-summary").textContent()).toBe("Resend when not recovered: 2");
      await toggleOf(settings, "Server settings").click();
      await summary.filter({ hasText: /^Resend when not recovered: 2$/ }).waitFor();
      expect(errors).toEqual([]);
      await page.context().close();
    });

    it("opens a closed part from the keyboard, keeps it open, and shows the next step's parts when the step changes", async () => {
      const { page, errors } = await lessonPage("/lessons/emit#a-quick-look-at-acknowledgements", viewport);
      const alice = page.getByRole("group", { name: "Alice", exact: true });
      const bob = page.getByRole("group", { name: "Bob", exact: true });
      const bobToggle = toggleOf(bob, "Bob");
      await bobToggle.focus();
      await page.keyboard.press("Enter");
      expect(await expanded(bob, "Bob")).toBe(true);
      expect(await bob.getByRole("textbox", { name: "Event name" }).isVisible()).toBe(true);
      // Opened by hand, not marked as the step's.
      expect(await bob.getByText("Used in this step").isVisible()).toBe(false);
      await page.keyboard.press("Space");
      expect(await expanded(bob, "Bob")).toBe(false);
      await page.keyboard.press("Space");
      expect(await expanded(bob, "Bob")).toBe(true);

      // "Typing both sides" uses only the server code: both clients close, the server code opens.
      const socketId = async () => /id (\S+)/.exec((await alice.getByRole("status").textContent()) ?? "")?.[1];
      const id = await socketId();
      expect(id).toBeTruthy();
      await page.evaluate(() => (location.hash = "typing-both-sides"));
      const code = page.getByRole("region", { name: "Server code" });
      await code.getByText("Used in this step").waitFor();
      expect(await expanded(code, "Server code")).toBe(true);
      expect(await expanded(alice, "Alice")).toBe(false);
      expect(await expanded(bob, "Bob")).toBe(false);
      expect(await socketId()).toBe(id);
      // After the step change, a part's button still opens it with one press.
      await toggleOf(bob, "Bob").click();
      expect(await expanded(bob, "Bob")).toBe(true);
      expect(await bob.getByRole("button", { name: "Emit" }).isVisible()).toBe(true);
      expect(errors).toEqual([]);
      await page.context().close();
    });

    it("opens the closed part that holds a Try it's control, and focuses the control", async () => {
      const { page, errors } = await lessonPage("/lessons/emit#the-problem", viewport);
      const alice = page.getByRole("group", { name: "Alice", exact: true });
      // The learner closed Alice's panel; the step's Try it points into it.
      await toggleOf(alice, "Alice").click();
      expect(await alice.getByRole("textbox", { name: "Shared text" }).isVisible()).toBe(false);
      if (viewport === PHONE) await page.getByRole("tab", { name: "Read" }).click();
      await page.getByRole("button", { name: "Try it: Shared text in Alice's panel" }).click();
      const shared = alice.getByRole("textbox", { name: "Shared text" });
      await page.waitForFunction(() => document.activeElement?.getAttribute("name") === "shared");
      expect(await shared.isVisible()).toBe(true);
      expect(await expanded(alice, "Alice")).toBe(true);
      expect(errors).toEqual([]);
      await page.context().close();
    });
  });
}

describe("a step that declares no lab parts", () => {
  it("shows the whole lab, and still marks the part its Try it points into", async () => {
    const { page, errors } = await openPage(browser, { viewport: DESKTOP });
    // Emit as if its first step said nothing: the page's declaration without "the-problem", changed as the
    // parser inserts it, before the page's scripts read it.
    await page.addInitScript(() => {
      const observer = new MutationObserver(() => {
        const parts = document.querySelector<HTMLElement>(".lab-parts");
        if (!parts) return;
        observer.disconnect();
        const declared = JSON.parse(parts.dataset.stepParts ?? "{}") as Record<string, string[]>;
        delete declared["the-problem"];
        parts.dataset.stepParts = JSON.stringify(declared);
      });
      observer.observe(document, { childList: true, subtree: true });
    });
    await page.goto(`${inject("origin")}/lessons/emit`);
    expect(await page.locator(".lab-parts").getAttribute("data-step-parts")).not.toContain("the-problem");
    const alice = page.getByRole("group", { name: "Alice", exact: true });
    const bob = page.getByRole("group", { name: "Bob", exact: true });
    await connected(bob);
    for (const [part, name] of [
      [alice, "Alice"],
      [bob, "Bob"],
      [page.getByRole("region", { name: "Server inspector" }), "Server inspector"],
      [page.getByRole("region", { name: "Timeline" }), "Timeline"],
    ] as const) {
      expect(await expanded(part, name), name).toBe(true);
    }
    // Its Try it ("Alice: Shared text") makes Alice's panel the step's, declared or not.
    expect(await alice.getByText("Used in this step").isVisible()).toBe(true);
    expect(await bob.getByText("Used in this step").isVisible()).toBe(false);
    // The next step declares its parts again.
    await page.getByRole("link", { name: "Next step", exact: true }).click();
    await page
      .getByRole("region", { name: "Server inspector" })
      .getByRole("button", { name: "Server inspector", exact: true, expanded: false })
      .waitFor();
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
