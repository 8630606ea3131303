import { describe, expect, it } from "vitest";
import { openCodeEditor, showLab, useLabPage } from "../support/browser.js";

const lab = useLabPage("/lessons/emit", ["Alice"]);

const words = Array.from({ length: 24 }, (_, i) => `wrapmarker${String(i).padStart(2, "0")}`).join(" ");

describe("the code editor on a narrow screen", { timeout: 60_000 }, () => {
  it("wraps a long line at the editor's width instead of scrolling it sideways (390 px)", async () => {
    const page = lab.page();
    await page.setViewportSize({ width: 390, height: 844 });
    await showLab(page);
    await page.evaluate((text) => localStorage.setItem("playground:code:emit", text), `// ${words}\nconsole.log("short");\n`);
    await openCodeEditor(page, lab.errors());
    const editor = page.getByRole("region", { name: "Try it in code" }).locator(".monaco-editor").first();
    // Monaco draws each wrapped piece of a line as a view line of its own.
    const pieces = editor.locator(".view-line").filter({ hasText: "wrapmarker" });
    await pieces.first().waitFor();
    expect(await pieces.count()).toBeGreaterThan(2);
    const fits = await editor.evaluate((host) => {
      const lines = host.querySelector(".view-lines") as HTMLElement;
      return { content: lines.scrollWidth, box: host.getBoundingClientRect().width };
    });
    expect(fits.content).toBeLessThanOrEqual(fits.box);
  });
});
