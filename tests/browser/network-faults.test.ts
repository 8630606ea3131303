import type { Locator } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useLabPage } from "../support/browser.js";

const lab = useLabPage("/lessons/emit", ["Alice"]);

const alice = () => lab.page().getByRole("group", { name: "Alice" });

async function statusMatching(panel: Locator, pattern: RegExp, timeout = 15_000): Promise<void> {
  try {
    await panel.getByRole("status").filter({ hasText: pattern }).waitFor({ timeout });
  } catch (error) {
    // Say what the status said instead, so a failure shows which state the client was really in.
    const shown = await panel.getByRole("status").allTextContents();
    throw new Error(`no status matching ${pattern} within ${timeout} ms; the panel shows ${JSON.stringify(shown)}`, { cause: error });
  }
}

describe("network faults on the lesson page", () => {
  it("Drop: the status shows disconnected with its reason and the next attempt, then connected again", async () => {
    await alice().getByRole("button", { name: "Drop" }).click();
    await statusMatching(alice(), /^disconnected: transport (close|error)/);
    await alice()
      .getByText(/Next attempt in \d/)
      .waitFor();
    await statusMatching(alice(), /^connected/);
  });

  it("Offline: the status stays disconnected while attempts fail, then reconnects when back online", async () => {
    const offline = alice().getByRole("button", { name: "Offline" });
    await offline.click();
    await statusMatching(alice(), /^disconnected/);
    await expect.poll(() => offline.getAttribute("aria-pressed")).toBe("true");
    // Two failed attempts, each reported by the real client, while the status stays disconnected.
    await alice()
      .getByText(/Attempt 2 failed/)
      .waitFor({ timeout: 15_000 });
    await statusMatching(alice(), /^disconnected/);
    await offline.click();
    // The toggle shows the state the lab answered with, once it answers.
    await expect.poll(() => offline.getAttribute("aria-pressed")).toBe("false");
    await statusMatching(alice(), /^connected/);
  });

  it("forces a client onto polling only, and Drop still cuts and reconnects it there", async () => {
    await alice().getByRole("combobox", { name: "Transport" }).selectOption({ label: "Polling only" });
    await statusMatching(alice(), /^connected · id \S+ · polling$/);
    await alice().getByRole("button", { name: "Drop" }).click();
    await statusMatching(alice(), /^disconnected: transport (close|error)/);
    await statusMatching(alice(), /^connected · id \S+ · polling$/);
  });

  it("Kick: the client reports io server disconnect and does not reconnect until asked to", async () => {
    await alice().getByRole("button", { name: "Kick" }).click();
    await statusMatching(alice(), /^disconnected: io server disconnect$/);
    const reconnect = alice().getByRole("button", { name: "Reconnect" });
    await reconnect.waitFor();
    // The server log shows its side of the same disconnect.
    await lab.page().getByRole("list", { name: "Server log" }).getByText("Alice disconnected: server namespace disconnect").waitFor();
    expect(await alice().getByRole("status").textContent()).toMatch(/^disconnected/);
    await reconnect.click();
    await statusMatching(alice(), /^connected/);
  });

  it("Block WebSocket: after a drop the client comes back over polling and stays there", async () => {
    const block = alice().getByRole("button", { name: "Block WebSocket" });
    await block.click();
    await expect.poll(() => block.getAttribute("aria-pressed")).toBe("true");
    await alice().getByRole("button", { name: "Drop" }).click();
    await statusMatching(alice(), /^disconnected/);
    await statusMatching(alice(), /^connected · id \S+ · polling$/);
    // Its upgrade was refused: emits still work, over polling.
    await alice().getByRole("textbox", { name: "Event name" }).fill("still-here");
    await alice().getByRole("checkbox", { name: "Expect acknowledgement" }).check();
    await alice().getByRole("button", { name: "Emit" }).click();
    await alice().getByRole("list", { name: "Received" }).getByText("ack for still-here").waitFor();
    expect(await alice().getByRole("status").textContent()).toMatch(/· polling$/);
  });
});
