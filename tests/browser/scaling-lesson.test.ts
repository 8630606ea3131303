import type { Locator } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { useLabPage } from "../support/browser.js";

const lab = useLabPage("/lessons/scaling", ["Alice", "Bob"]);

const client = (name: string) => lab.page().getByRole("group", { name });
const nodes = () => lab.page().getByRole("group", { name: "Server nodes" });
const received = (panel: Locator) => panel.getByRole("list", { name: "Received" }).getByRole("listitem");
const status = (panel: Locator) => panel.getByRole("status");

async function say(panel: Locator, text: string): Promise<void> {
  await panel.getByRole("textbox", { name: "Event name" }).fill("chat");
  await panel.getByRole("textbox", { name: "Arguments (JSON)" }).fill(JSON.stringify(text));
  await panel.getByRole("button", { name: "Emit" }).click();
}

/** The line `text` as a client's Received list shows it: the chat event, with the node that emitted it. */
const line = (panel: Locator, text: string) => received(panel).filter({ hasText: `"text":"${text}"` });

/** Picks the adapter (and recovery), restarts the nodes, and waits until both clients are back on a node. */
async function restartNodes(adapter: string, recovery = false): Promise<void> {
  await nodes().getByRole("radio", { name: adapter }).check();
  await nodes().getByRole("checkbox", { name: "connectionStateRecovery on" }).setChecked(recovery);
  await nodes().getByRole("button", { name: "Restart nodes" }).click();
  await nodes()
    .getByRole("status")
    .filter({ hasText: new RegExp(`${adapter.replace(/ adapter$/, "")}.*recovery ${recovery ? "on" : "off"}`, "i") })
    .waitFor();
  for (const name of ["Alice", "Bob"])
    await status(client(name))
      .filter({ hasText: /^connected.* on node [AB]$/ })
      .waitFor({ timeout: 15_000 });
}

/** Bob through the balancer, WebSocket only: each new connection goes to the next node in turn. */
async function bobThroughBalancer(): Promise<void> {
  const bob = client("Bob");
  await bob.getByRole("combobox", { name: "Transport" }).selectOption({ label: "WebSocket only" });
  await bob.getByRole("combobox", { name: "Connects to" }).selectOption({ label: "Load balancer" });
  await status(bob)
    .filter({ hasText: /^connected.* on node [AB]$/ })
    .waitFor({ timeout: 15_000 });
}

const nodeOf = async (panel: Locator) => (await status(panel).textContent())?.match(/on node ([AB])$/)?.[1];
const idOf = async (panel: Locator) => (await status(panel).textContent())?.match(/id (\S+)/)?.[1];

/** Bob goes Offline, Alice sends `text`, Bob comes back through the balancer: on the other node. */
async function missWhileOffline(text: string): Promise<void> {
  const alice = client("Alice");
  const bob = client("Bob");
  await bob.getByRole("button", { name: "Offline" }).click();
  await status(bob)
    .filter({ hasText: /^disconnected/ })
    .waitFor();
  await say(alice, text);
  await line(alice, text).waitFor();
  await bob.getByRole("button", { name: "Offline" }).click();
}

describe("the Scaling lesson page", () => {
  it("shows each client's node; without an adapter Alice's chat stays on node A, and after Restart nodes with the cluster adapter it reaches Bob on node B", async () => {
    const alice = client("Alice");
    const bob = client("Bob");
    await status(alice)
      .filter({ hasText: /on node A$/ })
      .waitFor();
    await status(bob)
      .filter({ hasText: /on node B$/ })
      .waitFor();

    await say(alice, "alone");
    await line(alice, "alone").waitFor();
    // Bob stays on node B the whole time, and what node A emits never reaches him.
    await say(bob, "control");
    await line(bob, "control").waitFor();
    expect(await line(bob, "alone").count()).toBe(0);

    await restartNodes("Cluster adapter");
    await say(alice, "together");
    await line(bob, "together").filter({ hasText: '"node":"A"' }).waitFor();
  });

  it("through a round-robin balancer Bob's polling fails with Session ID unknown; Sticky fixes it, and so does WebSocket only", async () => {
    const bob = client("Bob");
    await bob.getByRole("combobox", { name: "Connects to" }).selectOption({ label: "Load balancer" });
    await status(bob)
      .filter({ hasText: /^disconnected: transport error \(xhr (post|poll) error\) · reconnecting$/ })
      .waitFor({ timeout: 10_000 });
    await lab
      .page()
      .getByRole("list", { name: "Server log" })
      .getByText(/Bob refused: HTTP 400 \{"code":1,"message":"Session ID unknown"\}/)
      .first()
      .waitFor();

    await nodes().getByRole("radio", { name: "Sticky" }).check();
    await status(bob)
      .filter({ hasText: /^connected.* websocket · on node [AB]$/ })
      .waitFor({ timeout: 15_000 });

    await nodes().getByRole("radio", { name: "Round-robin" }).check();
    await nodes().getByRole("status").filter({ hasText: "Load balancer: round-robin" }).waitFor();
    await bob.getByRole("combobox", { name: "Transport" }).selectOption({ label: "WebSocket only" });
    await status(bob)
      .filter({ hasText: /^connected.* websocket · on node [AB]$/ })
      .waitFor({ timeout: 15_000 });
  });

  it.skipIf(!inject("hasRedis"))(
    "on Redis Streams Bob recovers on the other node with the missed line; on the cluster adapter he comes back with a new id and without it",
    { timeout: 90_000 },
    async () => {
      const alice = client("Alice");
      const bob = client("Bob");
      await restartNodes("Redis Streams adapter", true);
      await bobThroughBalancer();
      // An offset to come back with: Bob must have received something before he goes.
      await say(alice, "before");
      await line(bob, "before").waitFor();
      const [firstNode, firstId] = [await nodeOf(bob), await idOf(bob)];
      await missWhileOffline("missed");
      await status(bob)
        .filter({ hasText: /^connected.* · recovered · on node [AB]$/ })
        .waitFor({ timeout: 15_000 });
      expect(await nodeOf(bob)).not.toBe(firstNode);
      expect(await idOf(bob)).toBe(firstId);
      await line(bob, "missed").waitFor();

      await restartNodes("Cluster adapter", true);
      await status(bob)
        .filter({ hasText: /^connected.* on node [AB]$/ })
        .waitFor({ timeout: 15_000 });
      await say(alice, "again");
      await line(bob, "again").waitFor();
      const [nodeBefore, idBefore] = [await nodeOf(bob), await idOf(bob)];
      await missWhileOffline("lost");
      await status(bob)
        .filter({ hasText: /^connected.* on node [AB]$/ })
        .waitFor({ timeout: 15_000 });
      expect(await nodeOf(bob)).not.toBe(nodeBefore);
      expect(await status(bob).textContent()).not.toContain("recovered");
      expect(await idOf(bob)).not.toBe(idBefore);
      await say(alice, "after");
      await line(bob, "after").waitFor();
      expect(await line(bob, "lost").count()).toBe(0);
    },
  );
});
