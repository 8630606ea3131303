import { describe, expect, it } from "vitest";
import { useLabPage } from "../support/browser.js";

const lab = useLabPage("/lessons/emit", ["Alice"]);

describe("the timeline and the inspector", () => {
  it("links Alice's emit with its acknowledgement, showing both frames and the round trip", async () => {
    const alice = lab.page().getByRole("group", { name: "Alice" });
    await alice.getByRole("textbox", { name: "Event name" }).fill("ping");
    await alice.getByRole("textbox", { name: "Arguments (JSON)" }).fill("");
    await alice.getByRole("checkbox", { name: "Expect acknowledgement" }).check();
    await alice.getByRole("button", { name: "Emit" }).click();
    await alice.getByRole("list", { name: "Received" }).getByText("ack for ping").waitFor();

    await lab.page().getByRole("button", { name: "Table view" }).click();
    const table = lab.page().getByRole("table", { name: /Timeline entries/ });
    const emitRow = table.getByRole("row").filter({ hasText: '420["ping"]' });
    const ackRow = table.getByRole("row").filter({ hasText: '430[{"status":"ok"}]' });
    await emitRow.waitFor();
    await ackRow.waitFor();
    const emitCells = await emitRow.getByRole("cell").allTextContents();
    const ackCells = await ackRow.getByRole("cell").allTextContents();
    const emitSeq = emitCells[0];
    const ackSeq = ackCells[0];
    expect(emitCells[2]).toBe("Alice → server");
    expect(ackCells[2]).toBe("server → Alice");
    expect(ackCells[5]).toMatch(new RegExp(`^answers ${emitSeq} after \\d+ ms$`));
    expect(emitCells[5]).toBe(`answered by ${ackSeq}`);
    expect(lab.errors()).toEqual([]);
  });

  it("shows the server's own view of its sockets in the inspector", async () => {
    const sockets = lab.page().getByRole("table", { name: "Sockets" });
    await sockets.getByRole("row").filter({ hasText: "Alice" }).waitFor();
    await sockets.getByRole("row").filter({ hasText: "Bob" }).waitFor();
    const options = lab.page().locator("[data-inspector] dl");
    expect(await options.textContent()).toContain("pingInterval3000 ms");
  });
});
