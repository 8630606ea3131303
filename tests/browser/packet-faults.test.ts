import { describe, expect, it } from "vitest";
import { useLabPage } from "../support/browser.js";

const lab = useLabPage("/lessons/acks", ["Alice"]);

const alice = () => lab.page().getByRole("group", { name: "Alice" });

describe("packet faults on a client's Network box", () => {
  it('"drop next 1 ack to Alice" makes her emit time out, marks the timeline, and is used up', async () => {
    const panel = alice();
    const form = panel.locator("details.packet-faults");
    // Collapsed until asked for.
    expect(await panel.getByRole("button", { name: "Add packet fault" }).isVisible()).toBe(false);
    await panel.getByText("Packet faults", { exact: true }).click();
    await form.getByRole("combobox", { name: "Packet fault" }).selectOption({ label: "Drop next N" });
    await form.getByRole("combobox", { name: "Packet direction" }).selectOption({ label: "Server to client" });
    await form.getByRole("combobox", { name: "Packet kind" }).selectOption("ack");
    await form.getByRole("spinbutton", { name: "Count or delay (ms)" }).fill("1");
    await form.getByRole("button", { name: "Add packet fault" }).click();
    const active = form.getByRole("list", { name: "Active packet faults" });
    await active.getByRole("button", { name: "End drop next 1 ack to Alice" }).waitFor();

    await panel.getByRole("textbox", { name: "Event name" }).fill("add");
    await panel.getByRole("textbox", { name: "Arguments (JSON)" }).fill("2, 3");
    await panel.getByRole("checkbox", { name: "Expect acknowledgement" }).check();
    await panel.getByRole("spinbutton", { name: "Timeout (ms)" }).fill("1000");
    await panel.getByRole("button", { name: "Emit" }).click();
    await panel.getByRole("list", { name: "Received" }).getByText("ack for add callback(Error: operation has timed out)").waitFor();

    await lab.page().getByRole("button", { name: "Table view" }).click();
    const table = lab.page().getByRole("table", { name: /Timeline entries/ });
    // The dropped ack is one row on Alice's lane, the ack's own, marked dropped where it would have crossed.
    const dropped = table.getByRole("row").filter({ hasText: "✂ dropped ack 0 to Alice (drop next 1 ack)" });
    await dropped.waitFor();
    expect(await table.getByRole("row").filter({ hasText: "dropped ack 0" }).count()).toBe(1);
    const cells = await dropped.getByRole("cell").allTextContents();
    expect(cells[2]).toBe("server → Alice");
    expect(cells[4]).toMatch(/^430\[/);
    // The diagram's row says it too, in words before the frame's summary.
    expect(await lab.page().locator('.timeline-rows [data-fault="dropped"] .label').first().textContent()).toMatch(/^✂ dropped · /);
    // Used up: the list empties itself.
    await active.getByRole("listitem").first().waitFor({ state: "detached", timeout: 5000 });
    expect(lab.errors()).toEqual([]);
  });

  it("refuses a fault the lab cannot apply, saying why, and ends one with its End button", async () => {
    const form = alice().locator("details.packet-faults");
    if (!(await form.getByRole("button", { name: "Add packet fault" }).isVisible()))
      await alice().getByText("Packet faults", { exact: true }).click();
    await form.getByRole("combobox", { name: "Packet fault" }).selectOption({ label: "Delay acks by (ms)" });
    await form.getByRole("spinbutton", { name: "Count or delay (ms)" }).fill("0");
    await form.getByRole("button", { name: "Add packet fault" }).click();
    await form.getByText(/"delayMs" must be a whole number of milliseconds/).waitFor();
    await form.getByRole("spinbutton", { name: "Count or delay (ms)" }).fill("500");
    await form.getByRole("button", { name: "Add packet fault" }).click();
    const end = form.getByRole("button", { name: "End delay acks to Alice by 500 ms" });
    await end.click();
    await end.waitFor({ state: "detached" });
    // The refused POST is the only error: Chromium logs every 4xx a fetch gets.
    expect(lab.errors().filter((error) => !error.includes("status of 400"))).toEqual([]);
  });
});
