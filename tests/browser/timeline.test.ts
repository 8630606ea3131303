import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useLabPage, showLab } from "../support/browser.js";

const lab = useLabPage("/lessons/emit", ["Alice"]);

/**
 * For each row the diagram draws: where its label ends against the viewport's right edge, whether the label
 * is cut short and how it says so, and its row's title.
 */
function labelFits(page: Page) {
  return page.locator("[data-timeline]").evaluate((timeline) => {
    // Where a label stops being seen: the viewport's edge, or the diagram's, if the diagram must scroll sideways.
    const viewport = timeline.querySelector(".timeline-viewport") as HTMLElement;
    const diagram = timeline.querySelector(".timeline-diagram") as HTMLElement;
    const edge = Math.min(
      viewport.getBoundingClientRect().left + viewport.clientWidth,
      diagram.getBoundingClientRect().left + diagram.clientWidth,
    );
    return [...timeline.querySelectorAll<HTMLElement>(".timeline-row")].map((row) => {
      const label = row.querySelector(".label") as HTMLElement;
      return {
        text: label.textContent ?? "",
        title: row.title,
        pastEdge: label.getBoundingClientRect().right - edge,
        cut: label.scrollWidth > label.clientWidth,
        ellipsis: getComputedStyle(label).textOverflow === "ellipsis",
      };
    });
  });
}

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

  // Every entry redraws the diagram, heartbeats too: rows swapped for copies on each redraw took a click
  // meant for one (Playwright's clicks retried until they timed out on a busy machine).
  it("keeps a row it has drawn as the same element while new entries arrive, so a click lands on it", async () => {
    const page = lab.page();
    const alice = page.getByRole("group", { name: "Alice" });
    const emit = async (event: string) => {
      await alice.getByRole("textbox", { name: "Event name" }).fill(event);
      await alice.getByRole("button", { name: "Emit" }).click();
    };
    const rowOf = (event: string) => page.locator(".timeline-rows [data-seq]").filter({ hasText: event }).first();
    await emit("keep-me");
    const kept = await rowOf("keep-me").elementHandle();
    await emit("after-it");
    await rowOf("after-it").waitFor({ state: "attached" });
    expect(await kept?.evaluate((row) => row.isConnected)).toBe(true);
    expect(lab.errors()).toEqual([]);
  });

  it("shows the server's own view of its sockets in the inspector", async () => {
    const sockets = lab.page().getByRole("table", { name: "Sockets" });
    await sockets.getByRole("row").filter({ hasText: "Alice" }).waitFor();
    await sockets.getByRole("row").filter({ hasText: "Bob" }).waitFor();
    const options = lab.page().locator("[data-inspector] dl");
    expect(await options.textContent()).toContain("pingInterval3000 ms");
  });

  for (const width of [1280, 390]) {
    it(`keeps every timeline label inside the diagram at ${width} px, ending a long one in an ellipsis with all of it in the row's title`, async () => {
      const page = lab.page();
      await page.setViewportSize({ width, height: 844 });
      await showLab(page);
      const alice = page.getByRole("group", { name: "Alice" });
      const long = JSON.stringify({ note: "a long argument that no lane of a narrow timeline can show whole", n: 1 });
      await alice.getByRole("textbox", { name: "Event name" }).fill("longlabel");
      await alice.getByRole("textbox", { name: "Arguments (JSON)" }).fill(long);
      await alice.getByRole("button", { name: "Emit" }).click();
      await page.locator(".timeline-row").filter({ hasText: "longlabel" }).first().waitFor();
      await page.getByRole("heading", { name: "Timeline" }).scrollIntoViewIfNeeded();
      const rows = await labelFits(page);
      expect(rows.length).toBeGreaterThan(3);
      for (const row of rows) {
        expect(row.pastEdge, row.text).toBeLessThanOrEqual(1);
        if (row.cut) expect(row.ellipsis, row.text).toBe(true);
        expect(row.title.startsWith(row.text), row.text).toBe(true);
      }
      const emitted = rows.find((row) => row.text.includes("longlabel"));
      expect(emitted?.title).toContain('["longlabel",{"note":"a long argument that no lane of a narrow timeline can show whole","n":1}]');
    });
  }

  it("styles the Import JSON file picker as the toolbar's buttons, and it still imports", async () => {
    const page = lab.page();
    const boxStyle = (element: Element) => {
      const style = getComputedStyle(element);
      return {
        border: `${style.borderTopWidth} ${style.borderTopStyle} ${style.borderTopColor}`,
        radius: style.borderTopLeftRadius,
        background: style.backgroundColor,
        padding: `${style.paddingTop} ${style.paddingLeft}`,
        font: `${style.fontSize} ${style.fontFamily}`,
        height: Math.round(element.getBoundingClientRect().height),
      };
    };
    const picker = page.getByLabel("Import JSON");
    const label = page.locator("label").filter({ has: picker });
    const exportButton = page.getByRole("button", { name: "Export JSON" });
    expect(await label.evaluate(boxStyle)).toEqual(await exportButton.evaluate(boxStyle));
    // The browser's own "Choose file / No file chosen" is not drawn: the input is there for keyboards and screen readers only.
    const width = (element: Element) => element.getBoundingClientRect().width;
    expect(await picker.evaluate(width)).toBeLessThanOrEqual(1);
    expect(await label.evaluate(width)).toBeLessThan((await exportButton.evaluate(width)) + 20);
    await exportButton.focus();
    await page.keyboard.press("Tab");
    expect(await picker.evaluate((input) => document.activeElement === input)).toBe(true);
    expect(await label.evaluate((element) => getComputedStyle(element).outlineStyle)).toBe("solid");
    await picker.setInputFiles({ name: "not-a-timeline.json", mimeType: "application/json", buffer: Buffer.from('{"version": 99}') });
    await page.getByText("Could not import not-a-timeline.json: This file is not a timeline exported by the playground.").waitFor();
  });
});
