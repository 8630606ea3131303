import type { Locator } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useLabPage } from "../support/browser.js";

const lab = useLabPage("/lessons/recovery", ["Alice", "Bob"]);

const client = (name: string) => lab.page().getByRole("group", { name });
const received = (panel: Locator) => panel.getByRole("list", { name: "Received" }).getByRole("listitem");

/** Emits from a client's panel as the learner does: event name, arguments as JSON, "Emit". */
async function emitFrom(panel: Locator, event: string, args: string): Promise<void> {
  await panel.getByRole("textbox", { name: "Event name" }).fill(event);
  await panel.getByRole("textbox", { name: "Arguments (JSON)" }).fill(args);
  await panel.getByRole("button", { name: "Emit" }).click();
}

const say = (panel: Locator, text: string) => emitFrom(panel, "message", JSON.stringify(text));
const serverLog = () => lab.page().getByRole("list", { name: "Server log" });

/** Bob says something and Alice receives it: she has an offset to recover from. */
async function aliceHasAnOffset(): Promise<void> {
  await say(client("Bob"), "first");
  await received(client("Alice")).filter({ hasText: '"text":"first"' }).waitFor();
}

async function offlineThenBack(whileAway: () => Promise<void> = async () => undefined): Promise<void> {
  const alice = client("Alice");
  await alice.getByRole("button", { name: "Offline" }).click();
  await alice
    .getByRole("status")
    .filter({ hasText: /^disconnected/ })
    .waitFor();
  await whileAway();
  await alice.getByRole("button", { name: "Offline" }).click();
  await alice
    .getByRole("status")
    .filter({ hasText: /^connected/ })
    .waitFor({ timeout: 15_000 });
}

describe("the Connection state recovery lesson page", () => {
  it("recovers Alice after Offline: the three missed messages arrive with their offsets, and her status says recovered", async () => {
    const alice = client("Alice");
    const bob = client("Bob");
    await say(bob, "first");
    await received(alice).filter({ hasText: '"text":"first"' }).waitFor();
    const idBefore = (await alice.getByRole("status").textContent())?.match(/id (\S+)/)?.[1];

    await alice.getByRole("button", { name: "Offline" }).click();
    await alice
      .getByRole("status")
      .filter({ hasText: /^disconnected/ })
      .waitFor();
    await alice.getByText(/the recovery window closes in/).waitFor();
    for (const text of ["one", "two", "three"]) await say(bob, text);
    await expect.poll(() => received(bob).filter({ hasText: '"text":"three"' }).count()).toBe(1);

    await alice.getByRole("button", { name: "Offline" }).click();
    await alice
      .getByRole("status")
      .filter({ hasText: /^connected · id \S+ · \w+ · recovered$/ })
      .waitFor({ timeout: 15_000 });
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
    await alice
      .getByRole("status")
      .filter({ hasText: /^disconnected: io client disconnect/ })
      .waitFor();
    await alice.getByRole("button", { name: "Reconnect" }).click();
    await alice
      .getByRole("status")
      .filter({ hasText: /^connected/ })
      .waitFor();
    expect(await alice.getByRole("status").textContent()).not.toContain("recovered");
  });

  it("brings back only the plain notice after Offline: the one with an ack and the volatile one are not stored, and no middleware runs", async () => {
    const alice = client("Alice");
    const bob = client("Bob");
    await aliceHasAnOffset();
    await serverLog().getByText("middleware ran for Alice").waitFor();
    await offlineThenBack(async () => {
      for (const how of ["ack", "volatile", "plain"]) await emitFrom(bob, "announce", `"${how}", "${how} notice"`);
      // Bob is in the chat room too: once he has all three, the server has sent all three.
      for (const how of ["ack", "volatile", "plain"])
        await received(bob)
          .filter({ hasText: `"${how} notice"` })
          .waitFor();
    });
    await alice
      .getByRole("status")
      .filter({ hasText: /· recovered$/ })
      .waitFor();
    await serverLog()
      .getByText(/log: Alice recovered/)
      .waitFor();
    await expect.poll(() => received(alice).filter({ hasText: '"plain notice"' }).count()).toBe(1);
    expect(
      await received(alice)
        .filter({ hasText: /"(ack|volatile) notice"/ })
        .count(),
    ).toBe(0);
    expect(await serverLog().getByText("middleware ran for Alice").count()).toBe(1);
  });

  it("does not recover after a volatile notice, a bare string the client took for its offset", async () => {
    const alice = client("Alice");
    await aliceHasAnOffset();
    await emitFrom(client("Bob"), "announce", '"volatile", "v"');
    await received(alice).filter({ hasText: '"v"' }).waitFor();
    await offlineThenBack();
    expect(await alice.getByRole("status").textContent()).not.toContain("recovered");
  });

  it("recovers Disconnect then Reconnect after an earlier recovery, from the stale snapshot: back in chat, not in lobby", async () => {
    const alice = client("Alice");
    await aliceHasAnOffset();
    await offlineThenBack();
    await alice
      .getByRole("status")
      .filter({ hasText: /· recovered$/ })
      .waitFor();
    await emitFrom(alice, "move", '"lobby"');
    await serverLog().getByText('Alice joined room "lobby"').waitFor();
    await alice.getByRole("button", { name: "Disconnect" }).click();
    await alice
      .getByRole("status")
      .filter({ hasText: /^disconnected: io client disconnect/ })
      .waitFor();
    await say(client("Bob"), "after you left");
    await received(client("Bob")).filter({ hasText: '"text":"after you left"' }).waitFor();
    await alice.getByRole("button", { name: "Reconnect" }).click();
    await alice
      .getByRole("status")
      .filter({ hasText: /· recovered$/ })
      .waitFor();
    await received(alice).filter({ hasText: '"text":"after you left"' }).waitFor();
    const recovered = serverLog()
      .getByText(/log: Alice recovered/)
      .last();
    expect(await recovered.textContent()).toMatch(/rooms \["[^"]+","chat"\]/);
  });
});
