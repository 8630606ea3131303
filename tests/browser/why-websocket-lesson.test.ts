import { describe, expect, it } from "vitest";
import { useLabPage } from "../support/browser.js";

const lab = useLabPage("/lessons/why-websocket", []);

/** The polling and push cells of one measurement row of "One counter, two ways". */
async function row(name: string): Promise<{ poll: string; push: string }> {
  const cells = await lab
    .page()
    .getByRole("row", { name: new RegExp(`^${name}`) })
    .getByRole("cell")
    .allTextContents();
  return { poll: cells[0] ?? "", push: cells[1] ?? "" };
}

describe("the Why WebSocket lesson page", () => {
  it("counts the polling side's requests as they grow, while the push side stays at its one upgrade request", async () => {
    const page = lab.page();
    await page.getByRole("status").filter({ hasText: "Push: connected over websocket" }).waitFor();
    const interval = page.getByRole("spinbutton", { name: "Poll every (ms)" });
    await interval.fill("200");
    await interval.press("Tab");
    await page.getByRole("button", { name: "Start polling" }).click();
    await expect.poll(async () => Number((await row("HTTP requests")).poll), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    const pushed = Number((await row("Current value")).push === "–" ? 0 : (await row("Current value")).push);
    // The counter changes every second: wait for the push side to receive a later value, while polls keep counting.
    await expect.poll(async () => Number((await row("Current value")).push), { timeout: 10_000 }).toBeGreaterThan(pushed);
    await expect.poll(async () => Number((await row("HTTP requests")).poll), { timeout: 10_000 }).toBeGreaterThanOrEqual(6);
    expect((await row("HTTP requests")).push).toBe("1");
    expect((await row("Staleness, last")).push).toBe("0 ms");
    // Polling faster than the counter changes: most answers bring nothing new.
    expect(Number((await row("Answers with nothing new")).poll)).toBeGreaterThan(0);
    const pollBytes = (await row("Bytes up")).poll;
    expect(pollBytes).toMatch(/^[\d,.]+ k?B$/);

    await page.getByRole("button", { name: "Stop polling" }).click();
    await page.getByRole("button", { name: "Start polling" }).waitFor();
    expect(lab.errors()).toEqual([]);
  });

  it("opens a bare WebSocket that speaks the framing by hand, and lists each frame it sends and receives", async () => {
    const page = lab.page();
    const bare = page.getByRole("region", { name: "A bare WebSocket" });
    const frames = bare.getByRole("list", { name: "Bare WebSocket frames" });
    // Keyboard: the button opens and closes it from Enter.
    await bare.getByRole("button", { name: "Open a bare WebSocket" }).focus();
    await page.keyboard.press("Enter");
    await bare.getByRole("status").filter({ hasText: "Bare: connected to Socket.IO" }).waitFor();
    await frames
      .getByRole("listitem")
      .filter({ hasText: /^← received 0\{"sid":/ })
      .waitFor();
    await frames
      .getByRole("listitem")
      .filter({ hasText: /^→ sent 40 · Socket\.IO CONNECT/ })
      .waitFor();
    await frames.getByRole("listitem").filter({ hasText: '→ sent 42["hello","from a bare WebSocket"]' }).waitFor();
    await frames
      .getByRole("listitem")
      .filter({ hasText: /^← received 42\["tick",/ })
      .first()
      .waitFor({ timeout: 5000 });
    await page.getByRole("list", { name: "Server log" }).getByText('← Bare 42["hello","from a bare WebSocket"]').waitFor();
    await frames
      .getByRole("listitem")
      .filter({ hasText: /^→ sent 3 · Engine\.IO pong/ })
      .first()
      .waitFor({ timeout: 8000 });

    await bare.getByRole("button", { name: "Close the bare WebSocket" }).press("Enter");
    await bare
      .getByRole("status")
      .filter({ hasText: /^Bare: closed \(code \d+\)$/ })
      .waitFor();
    await bare.getByRole("button", { name: "Open a bare WebSocket" }).waitFor();
    expect(lab.errors()).toEqual([]);
  });

  it("counts the ticks a bare WebSocket receives in one row, not one row a second", async () => {
    const page = lab.page();
    const bare = page.getByRole("region", { name: "A bare WebSocket" });
    const frames = bare.getByRole("list", { name: "Bare WebSocket frames" });
    await bare.getByRole("button", { name: "Open a bare WebSocket" }).click();
    const ticks = frames.getByRole("listitem").filter({ hasText: /^← received 42\["tick",/ });
    await ticks.filter({ hasText: "×3 (the newest shown)" }).waitFor({ timeout: 10_000 });
    expect(await ticks.count()).toBe(1);
    await bare.getByRole("button", { name: "Close the bare WebSocket" }).click();
    expect(lab.errors()).toEqual([]);
  });

  it("counts the ticks a client the learner adds receives in one row of Received", async () => {
    const page = lab.page();
    await page.getByRole("button", { name: "Add client" }).click();
    const received = page.getByRole("group", { name: "Alice" }).getByRole("list", { name: "Received" });
    await received.getByRole("listitem").filter({ hasText: "tick ×3" }).waitFor({ timeout: 10_000 });
    expect(await received.getByRole("listitem").filter({ hasText: "tick" }).count()).toBe(1);
    expect(lab.errors()).toEqual([]);
  });

  it("shows the upgrade request the lab received from Push and the 101 it answered", async () => {
    const handshake = lab.page().getByRole("region", { name: "WebSocket handshake" });
    await handshake.getByText(/^HTTP\/1\.1 101 Switching Protocols/).waitFor();
    const request = await handshake.getByRole("figure").filter({ hasText: "Request the lab received" }).textContent();
    expect(request).toMatch(/GET \/labs\/\S+\/socket\.io\/\?\S*transport=websocket\S* HTTP\/1\.1/);
    expect(request).toMatch(/Upgrade: websocket/i);
    expect(request).toMatch(/Sec-WebSocket-Key: /i);
  });
});
