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
  await runner().getByRole("button", { name: "Run" }).click();
  await expect.poll(() => result.textContent(), { timeout: 10_000 }).not.toBe(before);
  return (await result.textContent()) ?? "";
}

describe("the Broadcast & rooms lesson page", () => {
  it("socket.to(room) reaches the room but not the sender", async () => {
    const result = await predictAndRun("Alice", "socket.to(room): the room but the sender", ["Bob"]);
    expect(result).toBe("Received by: Bob. Your prediction: 4 of 4 right.");
  });

  it("to(a).to(b) is a union: Bob, in both rooms, receives the event once", async () => {
    const result = await predictAndRun("Dave", "io.to(room).to(second room): either room", ["Alice", "Bob"]);
    expect(result).toBe("Received by: Alice, Bob, Carol. Your prediction: 3 of 4 right (wrong about Carol).");
    await expect
      .poll(() =>
        lab
          .page()
          .getByRole("region", { name: "Predict, then run" })
          .getByText(/Your score in this lesson/)
          .textContent(),
      )
      .toBe("Your score in this lesson: 3 of 4 predictions right.");
  });

  it("Drop takes a client out of its rooms: its memberships vanish from the matrix", async () => {
    await lab.page().getByRole("group", { name: "Alice" }).getByRole("button", { name: "Drop" }).click();
    await expect.poll(() => matrix().getByText("✓ member").count(), { timeout: 10_000 }).toBe(3);
    const bobRow = matrix().getByRole("row", { name: /Bob/ });
    expect(await bobRow.getByText("✓ member").count()).toBe(2);
  });
});
