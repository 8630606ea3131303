import type { Locator } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useLabPage } from "../support/browser.js";

const lab = useLabPage("/lessons/emit", ["Alice", "Bob"]);

function client(name: string): Locator {
  return lab.page().getByRole("group", { name });
}

async function connected(panel: Locator): Promise<void> {
  await panel
    .getByRole("status")
    .filter({ hasText: /^connected/ })
    .waitFor();
}

async function emitFrom(panel: Locator, event: string, args: string, ack = false): Promise<void> {
  await panel.getByRole("textbox", { name: "Event name" }).fill(event);
  await panel.getByRole("textbox", { name: "Arguments (JSON)" }).fill(args);
  await panel.getByRole("checkbox", { name: "Expect acknowledgement" }).setChecked(ack);
  await panel.getByRole("button", { name: "Emit" }).click();
}

function received(panel: Locator): Locator {
  return panel.getByRole("list", { name: "Received" }).getByRole("listitem");
}

describe("the Emit lesson page", () => {
  it("shows Alice's emit in Bob's Received list, with its arguments and its wire frame", async () => {
    await emitFrom(client("Alice"), "greet", '"hi", {"mood": "curious"}, 42');
    const entry = received(client("Bob")).filter({ hasText: "greet" });
    await entry.waitFor();
    expect(await entry.textContent()).toContain('"hi", {"mood":"curious"}, 42');
    expect(await entry.textContent()).toContain('42["greet","hi",{"mood":"curious"},42]');
    const serverLog = lab.page().getByRole("list", { name: "Server log" });
    await serverLog.getByRole("listitem").filter({ hasText: '← Alice 42["greet"' }).waitFor();
    expect(lab.errors()).toEqual([]);
  });

  it("shows binary sent as $bytes arriving at Bob as an ArrayBuffer, with the binary event frame", async () => {
    await emitFrom(client("Alice"), "file", '{"$bytes": [1, 2, 255]}');
    const entry = received(client("Bob")).filter({ hasText: "file" });
    await entry.waitFor();
    const text = await entry.textContent();
    expect(text).toContain("<ArrayBuffer 3 bytes: 01 02 ff>");
    expect(text).toContain('451-["file",{"_placeholder":true,"num":0}]');
  });

  it("shows the server's acknowledgement in Alice's list when she asks for one", async () => {
    await emitFrom(client("Alice"), "ping", "", true);
    const ack = received(client("Alice")).filter({ hasText: "ack for ping" });
    await ack.waitFor();
    expect(await ack.textContent()).toContain('430[{"status":"ok"}]');
  });

  it("carries what Alice types in her shared text to Bob's shared text", async () => {
    await client("Alice").getByRole("textbox", { name: "Shared text" }).pressSequentially("hello Bob");
    const bobText = client("Bob").getByRole("textbox", { name: "Shared text" });
    await expect.poll(() => bobText.inputValue(), { timeout: 5000 }).toBe("hello Bob");
  });

  it("refuses malformed JSON with an inline error and sends nothing", async () => {
    const alice = client("Alice");
    await emitFrom(alice, "broken", '"hi", {mood: 1}');
    await alice.getByText(/Not valid JSON arguments/).waitFor();
    // A valid emit after the bad one reaches Bob; the bad one never does (the relay keeps order).
    await emitFrom(alice, "fine", '"ok"');
    await received(client("Bob")).filter({ hasText: "fine" }).waitFor();
    expect(await received(client("Bob")).filter({ hasText: "broken" }).count()).toBe(0);
    expect(await alice.getByText(/Not valid JSON arguments/).count()).toBe(0);
  });

  it("refuses a payload over the lab's limit with an inline error and sends nothing", async () => {
    const alice = client("Alice");
    await emitFrom(alice, "huge", JSON.stringify("x".repeat(70_000)));
    await alice.getByText(/the lab accepts at most 65,536/).waitFor();
    await emitFrom(alice, "fine", '"ok"');
    await received(client("Bob")).filter({ hasText: "fine" }).waitFor();
    expect(await received(client("Bob")).filter({ hasText: "huge" }).count()).toBe(0);
    await connected(alice);
  });

  it("adds a third client that receives Alice's emits, and removes it again", async () => {
    await lab.page().getByRole("button", { name: "Add client" }).click();
    await connected(client("Carol"));
    await emitFrom(client("Alice"), "hello-all", '"everyone"');
    await received(client("Carol")).filter({ hasText: "hello-all" }).waitFor();
    await lab.page().getByRole("button", { name: "Remove Carol" }).click();
    expect(await client("Carol").count()).toBe(0);
  });

  it("gathers Bob's shared-text receipts in one counted row, while the server log and the timeline keep every frame", async () => {
    await client("Alice").getByRole("textbox", { name: "Shared text" }).pressSequentially("hello");
    const bobText = client("Bob").getByRole("textbox", { name: "Shared text" });
    await expect.poll(() => bobText.inputValue(), { timeout: 5000 }).toBe("hello");
    const rows = received(client("Bob")).filter({ hasText: "editing" });
    await expect.poll(() => rows.first().textContent(), { timeout: 5000 }).toContain('editing ×5 last: "hello"');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('42["editing","hello"]');
    const serverLog = lab.page().getByRole("list", { name: "Server log" });
    await expect.poll(() => serverLog.getByRole("listitem").filter({ hasText: '→ Bob 42["editing"' }).count()).toBe(5);
    await lab.page().getByRole("button", { name: "Table view" }).click();
    const toBob = lab
      .page()
      .getByRole("table", { name: /Timeline entries/ })
      .getByRole("row")
      .filter({ hasText: "server → Bob" })
      .filter({ hasText: '42["editing"' });
    await expect.poll(() => toBob.count()).toBe(5);
    // Another event ends the run: the next keystroke starts a row of its own.
    await emitFrom(client("Alice"), "between", '"x"');
    await received(client("Bob")).filter({ hasText: "between" }).waitFor();
    await client("Alice").getByRole("textbox", { name: "Shared text" }).pressSequentially("!");
    await expect.poll(() => rows.count(), { timeout: 5000 }).toBe(2);
    expect(await rows.last().textContent()).toContain('editing "hello!"');
  });

  it("emits when Enter is pressed in the Event name field", async () => {
    const name = client("Alice").getByRole("textbox", { name: "Event name" });
    await name.fill("entered");
    await name.press("Enter");
    await received(client("Bob")).filter({ hasText: "entered" }).waitFor();
  });

  it("shows no Server settings box in a lesson whose server has no settings", async () => {
    await lab.page().getByRole("button", { name: "Restart server" }).waitFor();
    expect(await lab.page().getByRole("group", { name: "Server settings" }).count()).toBe(0);
    expect(await lab.page().getByText("Server settings").count()).toBe(0);
  });
});
