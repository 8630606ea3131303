import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openPage } from "../support/browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

describe("the home page's live demo", () => {
  it("reads as ready, and says what starts it, until the visitor engages (and opens no lab meanwhile)", async () => {
    const { page, errors } = await openPage(browser, { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    const labRequests: string[] = [];
    page.on("request", (request) => {
      if (new URL(request.url()).pathname === "/api/labs") labRequests.push(request.method());
    });
    await page.goto(`${inject("origin")}/`, { waitUntil: "networkidle" });
    const demo = page.getByRole("region", { name: "Live: two clients, one real server" });
    for (const name of ["Alice", "Bob"]) {
      expect(await demo.getByRole("group", { name }).getByRole("status").textContent()).toMatch(/^\s*ready to connect\s*$/);
    }
    expect(await demo.getByText(/^\s*This demo starts as you scroll, tap, type or move the pointer/).isVisible()).toBe(true);
    expect(await demo.getByRole("list", { name: "Received" }).textContent()).toContain("Alice's messages arrive here");
    expect(labRequests).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("sends Alice's message through a real lab to Bob, shows its frame, reconnects Alice after a drop, and closes the lab when the page goes", async () => {
    const { page, errors } = await openPage(browser, { viewport: { width: 1280, height: 800 } });
    const labRequests: string[] = [];
    page.on("request", (request) => {
      if (new URL(request.url()).pathname === "/api/labs") labRequests.push(request.method());
    });
    await page.goto(`${inject("origin")}/`, { waitUntil: "networkidle" });
    // A page nobody has touched yet (a crawler, a background tab) spends none of the address's labs.
    expect(labRequests).toEqual([]);
    const demo = page.getByRole("region", { name: "Live: two clients, one real server" });
    const alice = demo.getByRole("group", { name: "Alice" });
    const bob = demo.getByRole("group", { name: "Bob" });
    await page.mouse.move(40, 300);
    for (const client of [alice, bob]) {
      await client
        .getByRole("status")
        .filter({ hasText: /^connected · id / })
        .waitFor({ timeout: 15_000 });
    }

    await alice.getByRole("textbox", { name: "Message" }).fill("hi from the test");
    await alice.getByRole("button", { name: "Send as Alice" }).click();
    await bob.getByRole("list", { name: "Received" }).getByRole("listitem").filter({ hasText: '42["chat","hi from the test"]' }).waitFor();
    expect(await alice.locator(".demo-sent").textContent()).toBe('42["chat","hi from the test"]');

    // The lab's server saw both clients: its inspector lists their sockets.
    const labId = await demo.getAttribute("data-lab-id");
    expect(labId).toBeTruthy();
    const inspected = (await (await page.request.get(`${inject("origin")}/api/labs/${labId}/inspect`)).json()) as { sockets: unknown[] };
    expect(inspected.sockets.length).toBe(2);
    expect(labRequests).toEqual(["POST"]);

    const before = (await alice.getByRole("status").textContent()) ?? "";
    await alice.getByRole("button", { name: "Drop Alice" }).click();
    await demo.getByText(/^Alice's client reconnected by itself after \d+\.\d s, with a new socket id/).waitFor({ timeout: 15_000 });
    const after = (await alice.getByRole("status").textContent()) ?? "";
    expect(after).toMatch(/^connected · id /);
    expect(after).not.toBe(before);

    // Leaving the page closes its lab: the control API no longer knows it.
    await page.goto(`${inject("origin")}/glossary`);
    await expect
      .poll(async () => (await page.request.get(`${inject("origin")}/api/labs/${labId}`)).status(), { timeout: 10_000 })
      .toBe(404);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
