import { describe, expect, it } from "vitest";
import { useLabPage } from "../support/browser.js";

const lab = useLabPage("/lessons/retries", ["Alice", "Bob"]);

const panel = () => lab.page().getByRole("region", { name: "Send and count" });
const serverLog = () => lab.page().getByRole("list", { name: "Server log" });

/** Turns a 0/1 server setting on (1) or off (0) with its switch. */
async function setServer(name: string, value: 0 | 1): Promise<void> {
  await lab
    .page()
    .getByRole("checkbox", { name })
    .setChecked(value === 1);
  await serverLog()
    .getByText(new RegExp(`setting \\w+ = ${value}$`))
    .last()
    .waitFor();
}

/** Alice retries unacknowledged emits: up to 3 more tries, each after 800 ms without an ack. */
async function aliceRetries(): Promise<void> {
  const alice = lab.page().getByRole("group", { name: "Alice" });
  for (const [name, value] of [
    ["retries option", "3"],
    ["ackTimeout option (ms)", "800"],
  ]) {
    const field = alice.getByRole("spinbutton", { name });
    await field.fill(value!);
    await field.press("Enter");
    await alice
      .getByRole("status")
      .filter({ hasText: /^connected/ })
      .waitFor();
  }
}

/** Sends one message while the server loses its ack, then lets the retry through. */
async function sendThroughLostAck(withIds: boolean): Promise<void> {
  await setServer("Lost ack: store but never answer", 1);
  await panel().getByRole("combobox", { name: "From" }).selectOption("Alice");
  await panel().getByRole("spinbutton", { name: "How many" }).fill("1");
  await panel().getByRole("checkbox", { name: "With unique ids (crypto.randomUUID())" }).setChecked(withIds);
  await panel().getByRole("button", { name: "Send", exact: true }).click();
  await serverLog()
    .getByText(/lost ack: Alice's message stored/)
    .last()
    .waitFor();
  await setServer("Lost ack: store but never answer", 0);
}

const copies = (text: string) =>
  panel().getByRole("table", { name: "Stored messages" }).getByRole("row").filter({ hasText: text }).getByRole("cell").nth(1);
const counter = (name: string) =>
  panel()
    .locator("dt", { hasText: new RegExp(`^${name.replace(/[()]/g, "\\$&")}$`) })
    .locator("xpath=following-sibling::dd");

describe("the Retries lesson page", () => {
  it("labels the counters' stats questions in the server log as the page's own, and not the learner's messages", async () => {
    await panel().getByRole("button", { name: "Send", exact: true }).click();
    const stats = serverLog()
      .getByRole("listitem")
      .filter({ hasText: /42\d*\["stats"\]/ });
    await stats.first().waitFor();
    for (const line of await stats.allTextContents()) expect(line).toContain("the page's own: the counters' question to the database");
    const message = serverLog()
      .getByRole("listitem")
      .filter({ hasText: /42\d*\["message"/ })
      .first();
    await message.waitFor();
    expect(await message.textContent()).not.toContain("the page's own");
  });

  it("stores a retried message twice without an id, and once with one, counting the duplicate rejected", async () => {
    await aliceRetries();
    await sendThroughLostAck(false);
    await expect.poll(() => copies("batch 1 #1").textContent(), { timeout: 10_000 }).toMatch(/^[2-9]$/);
    await expect.poll(() => counter("Acked").textContent(), { timeout: 10_000 }).toBe("1");

    await sendThroughLostAck(true);
    await expect.poll(() => counter("Duplicates rejected").textContent(), { timeout: 10_000 }).not.toBe("0");
    await expect.poll(() => counter("Acked").textContent(), { timeout: 10_000 }).toBe("2");
    expect(await copies("batch 2 #1").textContent()).toBe("1");
  });

  it("keeps volatile emits made in the first delay after a drop, and drops those made after a failed attempt", async () => {
    const alice = lab.page().getByRole("group", { name: "Alice" });
    await panel().getByRole("combobox", { name: "From" }).selectOption("Alice");
    await panel().getByRole("spinbutton", { name: "How many" }).fill("5");
    await panel().getByRole("checkbox", { name: "volatile" }).check();

    await alice.getByRole("button", { name: "Drop" }).click();
    await alice.getByText(/Next attempt in \d/).waitFor();
    await panel().getByRole("button", { name: "Send", exact: true }).click();
    expect(await counter("Sent").textContent()).toBe("5");
    expect(await counter("Dropped (volatile)").textContent()).toBe("0");
    await expect.poll(() => counter("Stored").textContent(), { timeout: 10_000 }).toBe("5");

    const offline = alice.getByRole("button", { name: "Offline" });
    await offline.click();
    await alice.getByText(/Attempt 1 failed/).waitFor({ timeout: 15_000 });
    await panel().getByRole("button", { name: "Send", exact: true }).click();
    expect(await counter("Dropped (volatile)").textContent()).toBe("5");
    await panel().getByText("Alice: 0 in the send buffer").waitFor();
    await offline.click();
    await alice
      .getByRole("status")
      .filter({ hasText: /^connected/ })
      .waitFor({ timeout: 15_000 });
    await panel().getByRole("checkbox", { name: "volatile" }).uncheck();
    await panel().getByRole("button", { name: "Send", exact: true }).click();
    // Five more, now that she is connected. Anything buffered would have been flushed ahead of them.
    await expect.poll(() => counter("Stored").textContent(), { timeout: 10_000 }).toBe("10");
    const storedTable = panel().getByRole("table", { name: "Stored messages" });
    expect(await storedTable.getByRole("row").filter({ hasText: "batch 3 #" }).count()).toBe(5);
    expect(await storedTable.getByRole("row").filter({ hasText: "batch 2 #" }).count()).toBe(0);
    expect(await counter("Sent").textContent()).toBe("10");
  });

  it("retries by hand with timeout(ms) until the lost ack is fixed, then counts it acked", async () => {
    await setServer("Lost ack: store but never answer", 1);
    await panel().getByRole("combobox", { name: "From" }).selectOption("Alice");
    await panel().getByRole("spinbutton", { name: "How many" }).fill("1");
    await panel()
      .getByRole("checkbox", { name: /Retry by hand/ })
      .check();
    await panel().getByRole("spinbutton", { name: "Timeout (ms)" }).fill("300");
    await panel().getByRole("button", { name: "Send", exact: true }).click();
    await expect.poll(() => counter("Retried by hand").textContent(), { timeout: 10_000 }).not.toBe("0");
    await setServer("Lost ack: store but never answer", 0);
    await expect.poll(() => counter("Acked").textContent(), { timeout: 10_000 }).toBe("1");
  });
});
