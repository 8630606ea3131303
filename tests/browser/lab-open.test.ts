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

  it("on a phone, creates the lab while the learner reads, and connects its clients when the Lab tab is pressed", async () => {
    const { page, errors } = await openPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const sent = await watchLabRequests(page);
    await page.goto(`${inject("origin")}/lessons/emit`);
    await page.waitForFunction(() => document.readyState === "complete");
    expect(sent).toHaveLength(1);
    const alice = page.getByRole("group", { name: "Alice" }).getByRole("status");
    expect(await alice.count()).toBe(0);
    await showLab(page);
    await aliceConnected(page);
    expect(sent).toHaveLength(1);
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
  ])(
    "opens the $slug lab without building an Intl formatter, whose locale data costs a slow phone 40-90 ms",
    async ({ slug, ready }) => {
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
    },
  );

  it("on a phone, sends the clients' handshakes in the Lab tab's own task, before the page draws the lab", async () => {
    const { page, errors } = await openPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    // The early POST /api/labs has been answered and every module has run.
    await page.goto(`${inject("origin")}/lessons/emit`, { waitUntil: "networkidle" });
    await expect.poll(() => page.getByRole("tab", { name: "Lab" }).isVisible()).toBe(true);
    const sentBeforeAnyTask = await page.evaluate(async () => {
      const sent: string[] = [];
      const send = XMLHttpRequest.prototype.send;
      const open = XMLHttpRequest.prototype.open;
      const urls = new WeakMap<XMLHttpRequest, string>();
      XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
        urls.set(this, String(url));
        return (open as (...args: unknown[]) => void).call(this, method, url, ...rest);
      } as typeof open;
      XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
        sent.push(urls.get(this) ?? "");
        return send.call(this, body);
      };
      document.querySelector<HTMLElement>('[role="tab"][data-tab="lab"]')?.click();
      // Many microtask turns, and not one task: a lab that had to wait for a task (reading a response's
      // body, a timer) would not have sent anything yet, and the page would lay out and draw first.
      for (let turn = 0; turn < 100; turn++) await null;
      return sent.filter((url) => url.includes("/socket.io/")).length;
    });
    expect(sentBeforeAnyTask).toBeGreaterThanOrEqual(1);
    await aliceConnected(page);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
