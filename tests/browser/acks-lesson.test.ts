import type { Locator } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useLabPage } from "../support/browser.js";

const lab = useLabPage("/lessons/acks", ["Alice"]);

const alice = () => lab.page().getByRole("group", { name: "Alice" });
const received = (panel: Locator) => panel.getByRole("list", { name: "Received" });

async function setServerDelay(ms: number): Promise<void> {
  const delay = lab.page().getByRole("spinbutton", { name: "Server delay (ms)" });
  await delay.fill(String(ms));
  await delay.press("Enter");
  await lab.page().getByRole("list", { name: "Server log" }).getByText(`setting delayMs = ${ms}`).waitFor();
}

async function emitAdd(args: string, options: { style?: "Callback" | "emitWithAck (promise)"; timeoutMs?: number } = {}) {
  const panel = alice();
  await panel.getByRole("textbox", { name: "Event name" }).fill("add");
  await panel.getByRole("textbox", { name: "Arguments (JSON)" }).fill(args);
  await panel.getByRole("checkbox", { name: "Expect acknowledgement" }).check();
  await panel.getByRole("combobox", { name: "Acknowledgement style" }).selectOption({ label: options.style ?? "Callback" });
  await panel.getByRole("spinbutton", { name: "Timeout (ms)" }).fill(options.timeoutMs ? String(options.timeoutMs) : "");
  await panel.getByRole("button", { name: "Emit" }).click();
}

describe("the Acknowledgements lesson page", () => {
  it("shows the callback's result, and emitWithAck's resolved value", async () => {
    await emitAdd("2, 3");
    await received(alice()).getByText("ack for add callback(5)").waitFor();
    await emitAdd("20, 22", { style: "emitWithAck (promise)" });
    await received(alice()).getByText("ack for add emitWithAck resolved(42)").waitFor();
  });

  it("fails a timeout(ms) emit with the timeout error when the server is slower", async () => {
    await setServerDelay(2000);
    await emitAdd("2, 3", { timeoutMs: 300 });
    await received(alice()).getByText("ack for add callback(Error: operation has timed out)").waitFor();
  });

  it("on Drop, fails the pending ack that has a timeout and never calls the plain one", async () => {
    await setServerDelay(1500);
    await emitAdd("1, 1");
    await emitAdd("3, 4", { timeoutMs: 10_000 });
    await alice().getByRole("button", { name: "Drop" }).click();
    await received(alice()).getByText("ack for add callback(Error: socket has been disconnected)").waitFor();
    await alice()
      .getByRole("status")
      .filter({ hasText: /^connected/ })
      .waitFor({ timeout: 10_000 });
    // This emit's handler starts after the lost ones, with the same delay, so it answers after them.
    await emitAdd("5, 6");
    await received(alice()).getByText("ack for add callback(11)").waitFor({ timeout: 10_000 });
    expect(await received(alice()).getByText("ack for add callback(2)").count()).toBe(0);
  });

  it("lets the server ask Alice and wait for her answer", async () => {
    const panel = alice();
    await panel.getByRole("textbox", { name: "Event name" }).fill("ask me");
    await panel.getByRole("textbox", { name: "Arguments (JSON)" }).fill("");
    await panel.getByRole("checkbox", { name: "Expect acknowledgement" }).check();
    await panel.getByRole("button", { name: "Emit" }).click();
    const question = received(panel).getByRole("listitem").filter({ hasText: "What is 6 × 7?" });
    await question.getByRole("button", { name: "Send answer" }).click();
    await received(panel).getByText("ack for ask me callback(42)").waitFor();
  });
});
