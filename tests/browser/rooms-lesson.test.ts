import { beforeEach, describe, expect, it } from "vitest";
import { useLabPage } from "../support/browser.js";

const lab = useLabPage("/lessons/rooms", ["Alice", "Bob", "Carol", "Dave"]);
beforeEach(async () => {
  for (const [name, room] of [
    ["Alice", "red"],
    ["Bob", "red"],
    ["Bob", "blue"],
    ["Carol", "blue"],
  ]) {
    const panel = lab.page().getByRole("group", { name });
    await panel.getByRole("textbox", { name: "Room" }).fill(room!);
    await panel.getByRole("button", { name: "Join room" }).click();
  }
  // The matrix comes from the server: wait until it shows all four memberships.
  await expect.poll(() => matrix().getByText("✓ member").count(), { timeout: 10_000 }).toBe(4);
});

const matrix = () => lab.page().getByRole("table", { name: "Room membership, from the server" });
const runner = () => lab.page().getByRole("region", { name: "Predict, then run" });

async function predictAndRun(from: string, target: string, predicted: string[]): Promise<string> {
  await runner().getByRole("combobox", { name: "Send from" }).selectOption(from);
  await runner().getByRole("combobox", { name: "Target" }).selectOption({ label: target });
  for (const name of ["Alice", "Bob", "Carol", "Dave"]) {
    await runner().getByRole("checkbox", { name }).setChecked(predicted.includes(name));
  }
  const result = runner().getByRole("status");
  const before = await result.textContent();
  await runner().getByRole("button", { name: "Run", exact: true }).click();
  await expect.poll(() => result.textContent(), { timeout: 10_000 }).not.toBe(before);
  return (await result.textContent()) ?? "";
}

describe("the Broadcast & rooms lesson page", () => {
  it("socket.to(room) reaches the room but not the sender", async () => {
    const result = await predictAndRun("Alice", "socket.to(room): the room but the sender", ["Bob"]);
    expect(result).toBe("Received by: Bob. Your prediction: 1 of 1 right.");
  });

  it("to(a).to(b) is a union: Bob, in both rooms, receives the event once", async () => {
    const result = await predictAndRun("Dave", "io.to(room).to(second room): either room", ["Alice", "Bob"]);
    expect(result).toBe("Received by: Alice, Bob, Carol. Your prediction: 2 of 3 right (missed Carol).");
    await expect
      .poll(() =>
        lab
          .page()
          .getByRole("region", { name: "Predict, then run" })
          .getByText(/Your score in this lesson/)
          .textContent(),
      )
      .toBe("Your score in this lesson: 2 of 3 predictions right.");
  });

  it("scores nothing for boxes left unticked: a run with no prediction adds nothing to the score", async () => {
    const result = await predictAndRun("Alice", "socket.to(room): the room but the sender", []);
    expect(result).toBe("Received by: Bob. You ticked nobody, so there was no prediction to score: tick who you expect to receive it.");
    expect(
      await runner()
        .getByText(/Your score in this lesson/)
        .count(),
    ).toBe(0);
    const wrong = await predictAndRun("Alice", "socket.to(room): the room but the sender", ["Carol"]);
    expect(wrong).toBe("Received by: Bob. Your prediction: 0 of 2 right (missed Bob; Carol did not receive it).");
    await runner().getByText("Your score in this lesson: 0 of 2 predictions right.").waitFor();
  });

  it("joins the room typed in a client's Room field when Enter is pressed there", async () => {
    const room = lab.page().getByRole("group", { name: "Dave" }).getByRole("textbox", { name: "Room" });
    await room.fill("green");
    await room.press("Enter");
    await matrix().getByRole("columnheader", { name: "green" }).waitFor();
    expect(await matrix().getByText("✓ member").count()).toBe(5);
  });

  it("runs when Enter is pressed in the runner's Room field", async () => {
    await runner().getByRole("combobox", { name: "Target" }).selectOption({ label: "io.to(room): the whole room" });
    const result = runner().getByRole("status");
    const room = runner().getByRole("textbox", { name: "Room", exact: true });
    await room.fill("blue");
    await room.press("Enter");
    await expect.poll(() => result.textContent(), { timeout: 10_000 }).toMatch(/^Received by: Bob, Carol\./);
  });

  it("keeps Run's sync round trips apart from the learner's traffic: hidden in the timeline, labelled in the server log", async () => {
    await predictAndRun("Alice", "io.emit: everyone", ["Alice", "Bob", "Carol", "Dave"]);
    const page = lab.page();
    const log = page.getByRole("list", { name: "Server log" });
    // Each client's sync and its ack: eight lines, each saying whose it is.
    const syncLines = log.getByRole("listitem").filter({ hasText: /(← \w+ 42\d+\["sync"\]|→ \w+ 43\d+\[\])/ });
    await expect.poll(() => syncLines.count()).toBe(8);
    for (const line of await syncLines.allTextContents()) expect(line).toContain("the page's own: Run's delivery check");
    // The learner's own send and its news are not labelled.
    const sendLine = log.getByRole("listitem").filter({ hasText: /← Alice 42\d+\["send"/ });
    expect(await sendLine.textContent()).not.toContain("the page's own");

    await page.getByRole("button", { name: "Table view" }).click();
    const rows = page.getByRole("table", { name: /Timeline entries/ }).getByRole("row");
    await rows.filter({ hasText: '["news"' }).first().waitFor();
    expect(await rows.filter({ hasText: '["sync"]' }).count()).toBe(0);
    await page.getByText(/\(8 of the page's own hidden\)/).waitFor();
    await page.getByRole("checkbox", { name: "Show the page's own frames" }).check();
    await expect.poll(() => rows.filter({ hasText: "the page's own: Run's delivery check" }).count()).toBe(8);
    for (const name of ["Alice", "Bob", "Carol", "Dave"]) {
      const receivedList = page.getByRole("group", { name }).getByRole("list", { name: "Received" });
      expect(await receivedList.textContent()).not.toContain("sync");
    }
    expect(lab.errors()).toEqual([]);
  });

  it("Drop takes a client out of its rooms: its memberships vanish from the matrix", async () => {
    await lab.page().getByRole("group", { name: "Alice" }).getByRole("button", { name: "Drop" }).click();
    await expect.poll(() => matrix().getByText("✓ member").count(), { timeout: 10_000 }).toBe(3);
    const bobRow = matrix().getByRole("row", { name: /Bob/ });
    expect(await bobRow.getByText("✓ member").count()).toBe(2);
  });
});
