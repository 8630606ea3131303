import type { Locator } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useLabPage } from "../support/browser.js";

const lab = useLabPage("/lessons/recovery", ["Alice", "Bob"]);

const client = (name: string) => lab.page().getByRole("group", { name });
const received = (panel: Locator) => panel.getByRole("list", { name: "Received" }).getByRole("listitem");

async function say(panel: Locator, text: string): Promise<void> {
  await panel.getByRole("textbox", { name: "Event name" }).fill("message");
  await panel.getByRole("textbox", { name: "Arguments (JSON)" }).fill(JSON.stringify(text));
  await panel.getByRole("button", { name: "Emit" }).click();
}

describe("the Connection state recovery lesson page", () => {
  it("recovers Alice after Offline: the three missed messages arrive with their offsets, and her status says recovered", async () => {
    const alice = client("Alice");
    const bob = client("Bob");
    await say(bob, "first");
    await received(alice).filter({ hasText: '"text":"first"' }).waitFor();
    const idBefore = (await alice.getByRole("status").textContent())?.match(/id (\S+)/)?.[1];

    await alice.getByRole("button", { name: "Offline" }).click();
    await alice.getByRole("status").filter({ hasText: /^disconnected/ }).waitFor();
    await alice.getByText(/the recovery window closes in/).waitFor();
    for (const text of ["one", "two", "three"]) await say(bob, text);
    await expect.poll(() => received(bob).filter({ hasText: '"text":"three"' }).count()).toBe(1);

    await alice.getByRole("button", { name: "Offline" }).click();
    await alice.getByRole("status").filter({ hasText: /^connected · id \S+ · \w+ · recovered$/ }).waitFor({ timeout: 15_000 });
    const idAfter = (await alice.getByRole("status").textContent())?.match(/id (\S+)/)?.[1];
    expect(idAfter).toBe(idBefore);
    for (const text of ["one", "two", "three"]) {
      const entry = received(alice).filter({ hasText: `"text":"${text}"` });
      await entry.waitFor();
      // The trailing offset Socket.IO appended: a second argument the sender never wrote.
      expect(await entry.textContent()).toMatch(new RegExp(`"text":"${text}"\\}, "[^"]+"`));
    }
  });

  it("does not recover after Disconnect then Reconnect, a manual leave", async () => {
    const alice = client("Alice");
    await say(client("Bob"), "first");
    await received(alice).filter({ hasText: '"text":"first"' }).waitFor();
    await alice.getByRole("button", { name: "Disconnect" }).click();
    await alice.getByRole("status").filter({ hasText: /^disconnected: io client disconnect/ }).waitFor();
    await alice.getByRole("button", { name: "Reconnect" }).click();
    await alice.getByRole("status").filter({ hasText: /^connected/ }).waitFor();
    expect(await alice.getByRole("status").textContent()).not.toContain("recovered");
  });
});
