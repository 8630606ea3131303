import type { Locator } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useLabPage } from "../support/browser.js";

const lab = useLabPage("/lessons/transports", ["Alice"]);

const alice = () => lab.page().getByRole("group", { name: "Alice" });
const serverLog = () => lab.page().getByRole("list", { name: "Server log" });

async function statusMatching(panel: Locator, pattern: RegExp, timeout = 15_000): Promise<void> {
  await panel.getByRole("status").filter({ hasText: pattern }).waitFor({ timeout });
}

describe("the Transports lesson page", () => {
  it("shows a default client upgrade from polling to WebSocket in its status, the timeline and the server log", async () => {
    await statusMatching(alice(), /^connected · id \S+ · websocket$/);
    await serverLog().getByText("Alice upgraded to websocket").waitFor();
    await lab.page().getByRole("button", { name: "Table view" }).click();
    const table = lab.page().getByRole("table", { name: /Timeline entries/ });
    const aliceRows = table.getByRole("row").filter({ hasText: "Alice" });
    await aliceRows.filter({ hasText: "2probe" }).first().waitFor();
    await aliceRows.filter({ hasText: "3probe" }).first().waitFor();
    await aliceRows.filter({ hasText: "now on websocket" }).first().waitFor();
  });

  it("batches a burst of events into one polling body, and sends it as one frame each over WebSocket", async () => {
    await statusMatching(alice(), /· websocket$/);
    await alice().getByRole("button", { name: "Ask for 5 events at once" }).click();
    for (let n = 1; n <= 5; n++) await serverLog().getByText(`→ Alice 42["news",${n},5]`).waitFor();

    await alice().getByRole("combobox", { name: "Transport" }).selectOption({ label: "Polling only" });
    await statusMatching(alice(), /· polling$/);
    await alice().getByRole("button", { name: "Ask for 5 events at once" }).click();
    await serverLog()
      .getByText(/GET \/socket\.io\/\S+ → 200 · .*42\["news",2,5\]␞42\["news",3,5\]␞42\["news",4,5\]␞42\["news",5,5\]/)
      .waitFor();
  });

  it("with WebSocket blocked, a WebSocket-first client fails until tryAllTransports lets it fall back to polling", async () => {
    const block = alice().getByRole("button", { name: "Block WebSocket" });
    await block.click();
    await expect.poll(() => block.getAttribute("aria-pressed")).toBe("true");
    const transport = alice().getByRole("combobox", { name: "Transport" });
    await transport.selectOption({ label: "WebSocket, then polling" });
    await statusMatching(alice(), /^disconnected: connect error \(websocket error\)/);
    const handshake = lab.page().getByRole("region", { name: "WebSocket handshake" });
    await handshake.getByText(/^HTTP\/1\.1 403 Forbidden/).waitFor();

    await transport.selectOption({ label: "WebSocket, then polling (tryAllTransports)" });
    await statusMatching(alice(), /^connected · id \S+ · polling$/);
  });

  it("over the size limit: WebSocket closes with code 1009, polling gets HTTP 413, and the client reconnects", async () => {
    await statusMatching(alice(), /· websocket$/);
    const oversized = alice().getByRole("button", { name: "Send one over the size limit" });
    await oversized.click();
    await statusMatching(alice(), /^disconnected: transport close \(.*close code 1009\)/);
    await serverLog()
      .getByText(/Alice disconnected: transport error \(.*Max payload size exceeded\)/)
      .waitFor();
    await statusMatching(alice(), /^connected/);

    await alice().getByRole("combobox", { name: "Transport" }).selectOption({ label: "Polling only" });
    await statusMatching(alice(), /· polling$/);
    await oversized.click();
    await statusMatching(alice(), /^disconnected: transport error/);
    await serverLog()
      .getByText(/Alice POST \/socket\.io\/\S+ → 413 /)
      .waitFor();
    await serverLog()
      .getByText(/Alice disconnected: transport close/)
      .last()
      .waitFor();
    await statusMatching(alice(), /^connected · id \S+ · polling$/);
    // The only console error is the browser reporting the real 413.
    expect(lab.errors().every((error) => error.includes("413"))).toBe(true);
  });
});
