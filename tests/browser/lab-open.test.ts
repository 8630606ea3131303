import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { launchBrowser, openPage, showLab } from "../support/browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Each POST /api/labs the page sends, with the URL of the script that sent it (from CDP's initiator). */
async function watchLabRequests(page: Page): Promise<{ from: string | undefined }[]> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  const sent: { from: string | undefined }[] = [];
  cdp.on("Network.requestWillBeSent", (event) => {
    if (event.request.method !== "POST" || !event.request.url.endsWith("/api/labs")) return;
    sent.push({ from: event.initiator.stack?.callFrames[0]?.url });
  });
  return sent;
}

/** The URLs of the Engine.IO handshakes the page sends (a polling GET without a session id yet). */
function watchHandshakes(page: Page): string[] {
  const urls: string[] = [];
  page.on("request", (request) => {
    const url = request.url();
    if (url.includes("/socket.io/") && url.includes("EIO=4") && !url.includes("sid=")) urls.push(url);
  });
  return urls;
}

/**
 * Holds the site's stylesheet back for `ms`: the page draws no frame until it has its styles, so its first
 * paint comes no sooner, while its scripts, which do not wait for styles, load and run.
 */
async function holdStylesheet(page: Page, ms: number): Promise<void> {
  await page.route("**/_astro/*.css", async (route) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    await route.continue().catch(() => undefined);
  });
}

/** When the page first painted content, and when its first Engine.IO handshake left (ms since navigation). */
function paintAndFirstHandshake(): { paintAt: number | undefined; handshakeAt: number | undefined } {
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const handshake = performance
    .getEntriesByType("resource")
    .find((entry) => entry.name.includes("/socket.io/") && entry.name.includes("EIO=4") && !entry.name.includes("sid="));
  return { paintAt: paint?.startTime, handshakeAt: handshake?.startTime };
}

async function aliceConnected(page: Page): Promise<void> {
  await page
    .getByRole("group", { name: "Alice" })
    .getByRole("status")
    .filter({ hasText: /^connected/ })
    .waitFor();
}

describe("a lesson page's lab opening", () => {
  it("creates the lab once, from the script in the page's head, and the lab's clients use that lab", async () => {
    const { page, errors } = await openPage(browser, { viewport: { width: 1280, height: 800 } });
    const sent = await watchLabRequests(page);
    const url = `${inject("origin")}/lessons/emit`;
    await page.goto(url);
    await aliceConnected(page);
    // Sent by the inline script (its stack's URL is the page's own), not by a module loaded later.
    expect(sent).toEqual([{ from: url }]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("on a phone, connects the lab's clients while the learner reads, and the Lab tab shows them connected", async () => {
    const { page, errors } = await openPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const sent = await watchLabRequests(page);
    const handshakes = watchHandshakes(page);
    await page.goto(`${inject("origin")}/lessons/emit`);
    await page.waitForFunction(() => document.readyState === "complete");
    expect(sent).toHaveLength(1);
    await expect.poll(() => handshakes.map((url) => new URL(url).searchParams.get("client")).sort()).toEqual(["Alice", "Bob"]);
    // The lab's views are drawn when the learner asks for them.
    expect(await page.getByRole("group", { name: "Alice" }).count()).toBe(0);
    await showLab(page);
    await aliceConnected(page);
    expect(sent).toHaveLength(1);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  // Lighthouse loads the page unthrottled and simulates a phone from that load; a handshake answered before
  // the first paint counts as something the paint waited for (bench/results/lighthouse.md). The page's
  // stylesheet is held back for a while, so that its first paint comes long after its first module.
  it("on a phone, sends the lab's handshakes only once the page has painted its first content", async () => {
    const { page, errors } = await openPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await holdStylesheet(page, 1500);
    await page.goto(`${inject("origin")}/lessons/emit`);
    await page.waitForFunction(
      () =>
        performance.getEntriesByName("first-contentful-paint").length > 0 &&
        performance.getEntriesByType("resource").some((entry) => entry.name.includes("/socket.io/")),
    );
    const { paintAt, handshakeAt } = await page.evaluate(paintAndFirstHandshake);
    expect(paintAt).toBeGreaterThan(1000);
    expect(handshakeAt).toBeGreaterThanOrEqual(paintAt ?? Infinity);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("on a phone, a Lab tab pressed before the first paint starts the clients at once and shows them connected", async () => {
    const { page, errors } = await openPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    // A page that has painted nothing by the time its scripts have run: its content stays invisible. (A held
    // stylesheet would hold the page's other modules too, the Lab tab's among them.)
    await page.addInitScript(() => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync("html { visibility: hidden !important; }");
      document.adoptedStyleSheets = [sheet];
    });
    // Pressed from the page as soon as its scripts have run: Playwright's click would wait for it to be visible.
    await page.addInitScript(() => {
      document.addEventListener("DOMContentLoaded", () => {
        Object.defineProperty(window, "__labTabAt", { value: performance.now() });
        document.querySelector<HTMLElement>('[role="tab"][data-tab="lab"]')?.click();
      });
    });
    await page.goto(`${inject("origin")}/lessons/emit`);
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[role="group"]')].some(
        (group) =>
          group.querySelector(".client-name")?.textContent === "Alice" &&
          group.querySelector(".client-status")?.textContent?.startsWith("connected"),
      ),
    );
    const { paintAt, handshakeAt } = await page.evaluate(paintAndFirstHandshake);
    const tabAt = await page.evaluate(() => (window as unknown as { __labTabAt: number }).__labTabAt);
    expect(paintAt).toBeUndefined();
    // Sent by the press, not by the wait's time limit (3 s after the first module ran).
    expect(handshakeAt).toBeGreaterThanOrEqual(tabAt);
    expect(handshakeAt).toBeLessThan(tabAt + 1000);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("starts the clients' handshakes from the page's first module, before the lab's views have loaded", async () => {
    const { page, errors } = await openPage(browser, { viewport: { width: 1280, height: 800 } });
    const handshakes = watchHandshakes(page);
    // The lab's view (Lab.astro's script, and a lesson's own Lab.astro) is held back until a handshake has
    // gone out, or for 10 s: a page whose clients wait for their views sends none meanwhile.
    let handshakeWhileViewsHeld = false;
    await page.route("**/_astro/Lab.*.js", async (route) => {
      handshakeWhileViewsHeld = await expect
        .poll(() => handshakes.length, { timeout: 10_000 })
        .toBeGreaterThan(0)
        .then(
          () => true,
          () => false,
        );
      await route.continue();
    });
    await page.goto(`${inject("origin")}/lessons/emit`);
    await aliceConnected(page);
    expect(handshakeWhileViewsHeld).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  // The page's first Intl formatter (Intl.NumberFormat, toLocaleString, localeCompare…) loads the browser's
  // locale data: 40-90 ms of main thread at Lighthouse's ×4 CPU, which once sat on the lab's path to
  // DOMContentLoaded (format.ts built one as it loaded). This counts every way a script could build one.
  it.each([
    { slug: "emit", ready: /^connected/ },
    { slug: "transports", ready: /^connected/ },
    { slug: "why-websocket", ready: "Push: connected over websocket" },
  ])("opens the $slug lab without building an Intl formatter, whose locale data costs a slow phone 40-90 ms", async ({ slug, ready }) => {
    const { page, errors } = await openPage(browser, { viewport: { width: 1280, height: 800 } });
    await page.addInitScript(() => {
      const built: string[] = [];
      Object.defineProperty(window, "__intlBuilt", { value: built });
      const watch = <T extends object>(owner: T, key: keyof T & string, label: string) => {
        const original = owner[key] as unknown as (...args: unknown[]) => unknown;
        const wrapped = new Proxy(original, {
          apply: (target, self, args) => (built.push(label), Reflect.apply(target, self, args)),
          construct: (target, args) => (built.push(label), Reflect.construct(target, args)),
        });
        Object.defineProperty(owner, key, { value: wrapped, configurable: true, writable: true });
      };
      for (const name of ["NumberFormat", "DateTimeFormat", "Collator", "PluralRules", "RelativeTimeFormat", "ListFormat"] as const)
        watch(Intl, name, `Intl.${name}`);
      watch(Number.prototype, "toLocaleString", "Number#toLocaleString");
      watch(Date.prototype, "toLocaleString", "Date#toLocaleString");
      watch(Date.prototype, "toLocaleTimeString", "Date#toLocaleTimeString");
      watch(Date.prototype, "toLocaleDateString", "Date#toLocaleDateString");
      watch(String.prototype, "localeCompare", "String#localeCompare");
    });
    await page.goto(`${inject("origin")}/lessons/${slug}`);
    await page.getByRole("status").filter({ hasText: ready }).first().waitFor();
    await page.waitForFunction(() => document.readyState === "complete");
    expect(await page.evaluate(() => (window as unknown as { __intlBuilt: string[] }).__intlBuilt)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
