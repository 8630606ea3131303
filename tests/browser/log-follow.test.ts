import { describe, expect, it } from "vitest";
import { useLabPage } from "../support/browser.js";

const lab = useLabPage("/lessons/emit", ["Alice"]);

/** How far the list is from showing its last line, in pixels (0: the newest line is in view). */
function distanceFromBottom(list: HTMLElement): number {
  return list.scrollHeight - list.clientHeight - list.scrollTop;
}

describe("the server log", () => {
  it("follows its newest line, and stays where the learner scrolled up to read older ones", async () => {
    const page = lab.page();
    const alice = page.getByRole("group", { name: "Alice" });
    const log = page.getByRole("list", { name: "Server log" });
    const emit = async (text: string) => {
      await alice.getByRole("textbox", { name: "Arguments (JSON)" }).fill(JSON.stringify(text));
      await alice.getByRole("button", { name: "Emit" }).click();
      await log.getByText(text).first().waitFor({ state: "attached" });
    };
    // Enough lines to overflow the log's height.
    for (let n = 0; n < 12; n++) await emit(`line ${String(n).padStart(2, "0")}`);
    // A log off screen is brought to its newest line when it comes into view.
    await log.scrollIntoViewIfNeeded();
    await expect.poll(() => log.evaluate((list) => list.scrollHeight > list.clientHeight + 100)).toBe(true);
    await expect.poll(() => log.evaluate(distanceFromBottom)).toBeLessThanOrEqual(1);

    await log.evaluate((list) => list.scrollTo({ top: 0 }));
    await emit("while reading the top");
    // The line arrived, and the list did not move away from what the learner was reading.
    expect(await log.evaluate((list) => list.scrollTop)).toBe(0);

    await log.evaluate((list) => list.scrollTo({ top: list.scrollHeight }));
    await emit("back at the bottom");
    // Emitting scrolled the page to Alice's panel; the log catches up once it is back in view.
    await log.scrollIntoViewIfNeeded();
    await expect.poll(() => log.evaluate(distanceFromBottom)).toBeLessThanOrEqual(1);
    expect(lab.errors()).toEqual([]);
  });
});
