import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { openCodeEditor, useLabPage } from "../support/browser.js";

const lab = useLabPage("/lessons/emit", ["Alice"]);

const playground = () => lab.page().getByRole("region", { name: "Try it in code" });
const consoleList = () => playground().getByRole("log", { name: "Console" });

/** Puts code where the editor keeps the learner's edits, so the editor opens with it. */
async function useCode(page: Page, code: string): Promise<void> {
  await page.evaluate((text) => localStorage.setItem("playground:code:emit", text), code);
}

const openEditor = () => openCodeEditor(lab.page(), lab.errors());

/** How many CSS rules on the page style Monaco's editor. */
function monacoRules(page: Page): Promise<number> {
  return page.evaluate(() =>
    [...document.styleSheets].reduce(
      (count, sheet) => count + [...sheet.cssRules].filter((rule) => rule.cssText.includes(".monaco-editor")).length,
      0,
    ),
  );
}

// Opening Monaco takes seconds on a busy CI machine; each test opens it once.
describe("the code playground", { timeout: 60_000 }, () => {
  it("restarts a running program when Run is pressed again, without Stop first", async () => {
    await useCode(lab.page(), 'console.log("run", Math.random());\nsetInterval(() => {}, 1000);\n');
    await openEditor();
    const run = playground().getByRole("button", { name: "Run", exact: true });
    await run.click();
    const line = consoleList().getByRole("listitem").filter({ hasText: "run 0." });
    await line.waitFor();
    const first = await line.textContent();
    expect(await run.isEnabled()).toBe(true);
    await run.click();
    await expect.poll(async () => (await line.count()) === 1 && (await line.textContent()) !== first, { timeout: 15_000 }).toBe(true);
    expect(await playground().getByRole("status").filter({ hasText: "Running as the lab client" }).isVisible()).toBe(true);
  });

  it("brings the editor's CSS with the editor: none on the page before it opens, all of it after", async () => {
    expect(await monacoRules(lab.page())).toBe(0);
    await openEditor();
    expect(await monacoRules(lab.page())).toBeGreaterThan(100);
    // Monaco's own layout rules apply, e.g. the editor is a positioned box.
    expect(
      await playground()
        .locator(".monaco-editor")
        .first()
        .evaluate((editor) => getComputedStyle(editor).position),
    ).toBe("relative");
  });

  it("opens the editor, runs the starter code, and shows its output and its client in the lab", async () => {
    await openEditor();
    await playground().getByRole("button", { name: "Run", exact: true }).click();
    await consoleList()
      .getByText(/^connected as \S+$/)
      .waitFor();
    await lab
      .page()
      .getByRole("list", { name: "Server log" })
      .getByText(/Code connected \(id \S+, polling\)/)
      .waitFor();
    await lab.page().getByRole("table", { name: "Sockets" }).getByRole("row").filter({ hasText: "Code" }).waitFor();
    await lab.page().getByRole("button", { name: "Table view" }).click();
    await lab
      .page()
      .getByRole("table", { name: /Timeline entries/ })
      .getByRole("row")
      .filter({ hasText: "Code" })
      .first()
      .waitFor();
    expect(lab.errors()).toEqual([]);
  });

  it("stops an infinite loop with Stop, and the page stays responsive meanwhile", async () => {
    await useCode(lab.page(), "console.log('looping');\nwhile (true) {}\n");
    await openEditor();
    await playground().getByRole("button", { name: "Run", exact: true }).click();
    await consoleList().getByText("looping").waitFor();
    // The loop runs in the sandbox's worker: the page still answers.
    expect(await lab.page().evaluate(() => 6 * 7)).toBe(42);
    await playground().getByRole("button", { name: "Stop" }).click();
    await playground().getByRole("status").filter({ hasText: "Stopped." }).waitFor();
    expect(await lab.page().locator("[data-code-playground] iframe").count()).toBe(0);
  });

  it("keeps the page responsive while the code floods the console, and says how much it left out", async () => {
    await useCode(lab.page(), "setInterval(() => {\n  for (let i = 0; i < 5000; i++) console.log(i);\n}, 10);\n");
    await openEditor();
    await playground().getByRole("button", { name: "Run", exact: true }).click();
    await consoleList()
      .getByText(/more lines not shown/)
      .first()
      .waitFor();
    expect(await lab.page().evaluate(() => 6 * 7)).toBe(42);
    expect(await consoleList().getByRole("listitem").count()).toBeLessThanOrEqual(500);
    await playground().getByRole("button", { name: "Stop" }).click();
    await playground().getByRole("status").filter({ hasText: "Stopped." }).waitFor();
  });

  it("keeps sandboxed code away from the site's localStorage and cookies", async () => {
    await lab.page().evaluate(() => localStorage.setItem("secret-of-the-site", "do-not-leak"));
    await useCode(
      lab.page(),
      [
        "const found: string[] = [`origin ${self.origin}`];",
        'try { found.push("localStorage " + typeof (globalThis as any).localStorage); } catch (e) { found.push("localStorage blocked"); }',
        'try { found.push("cookie " + typeof (globalThis as any).document?.cookie); } catch (e) { found.push("cookie blocked"); }',
        'try { const request = indexedDB.open("probe"); request.onerror = () => console.log("indexedDB refused"); request.onsuccess = () => console.log("indexedDB opened"); } catch (e) { found.push("indexedDB blocked: " + (e as Error).name); }',
        'try { found.push("parent storage " + (parent as any).localStorage.getItem("secret-of-the-site")); } catch (e) { found.push("parent blocked"); }',
        'console.log(found.join("; "));',
      ].join("\n"),
    );
    await openEditor();
    await playground().getByRole("button", { name: "Run", exact: true }).click();
    const line = consoleList().getByText(/localStorage/);
    await line.waitFor();
    const text = (await line.textContent()) ?? "";
    // An opaque origin: no storage of this site is reachable from it, whatever API the code tries.
    expect(text).toContain("origin null");
    expect(text).toContain("localStorage undefined");
    expect(text).toContain("cookie undefined");
    expect(text).not.toContain("do-not-leak");
    expect(text).toMatch(/indexedDB blocked: SecurityError|parent blocked/);
    expect(await lab.page().locator("[data-code-playground] iframe").getAttribute("sandbox")).toBe("allow-scripts");
    expect(await consoleList().getByText("indexedDB opened").count()).toBe(0);
  });

  it("passes the exercise with a correct solution and fails an incorrect one, with the evidence", async () => {
    await useCode(
      lab.page(),
      'import { io } from "socket.io-client";\nconst socket = io(lab.url, lab.options);\nsocket.on("connect", () => socket.emit("greet", "hi", 42));\n',
    );
    await openEditor();
    const run = playground().getByRole("button", { name: "Run", exact: true });
    await run.click();
    await playground().getByText("Exercise passed: the lab saw it happen.").waitFor();
    await playground().getByRole("list", { name: "Evidence" }).getByText('server received from Code: 42["greet","hi",42]').waitFor();

    await lab.page().reload();
    await useCode(
      lab.page(),
      'import { io } from "socket.io-client";\nconst socket = io(lab.url, lab.options);\nsocket.on("connect", () => socket.emit("greet", 42, "hi"));\n',
    );
    await lab.page().reload();
    await openEditor();
    await run.click();
    await lab.page().getByRole("list", { name: "Server log" }).getByText('← Code 42["greet",42,"hi"]').waitFor();
    await playground().getByRole("button", { name: "Stop" }).click();
    await playground().getByText("Exercise not passed this run.").waitFor();
    await playground().getByRole("list", { name: "Evidence" }).getByText("Its arguments are not a string then a number.").waitFor();

    // The pass is remembered with the course progress.
    await lab.page().goto(new URL("/", lab.page().url()).href);
    const emit = lab.page().getByRole("list", { name: "The course" }).getByRole("listitem").nth(1);
    expect(await emit.textContent()).toContain("exercise passed");
  });

  it("shows a runtime error with the line of the learner's code it came from", async () => {
    await useCode(lab.page(), "interface Unused {\n  a: number;\n}\nconst value: number = 1;\nthrow new Error(`boom ${value}`);\n");
    await openEditor();
    await playground().getByRole("button", { name: "Run", exact: true }).click();
    await consoleList().getByText("Line 5: Error: boom 1").waitFor();
  });

  it("keeps the learner's edits across a reload, and Reset brings the starter back", async () => {
    await openEditor();
    const editor = playground().getByRole("textbox", { name: "Your code" });
    await editor.focus();
    await lab.page().keyboard.press("Control+End");
    await lab.page().keyboard.type("\n// kept across reloads");
    await lab.page().reload();
    await openEditor();
    await playground().locator(".editor-host").getByText("// kept across reloads").waitFor();
    await playground().getByRole("button", { name: "Reset to starter code" }).click();
    await expect.poll(() => playground().locator(".editor-host").getByText("// kept across reloads").count()).toBe(0);
  });

  it("shows the solution beside the learner's code without changing it", async () => {
    await openEditor();
    const solution = playground().getByRole("button", { name: "Show solution" });
    await solution.click();
    expect(await solution.getAttribute("aria-pressed")).toBe("true");
    await playground().locator(".solution-host").getByText('socket.emit("greet", "hello", 42);').waitFor();
    expect(await lab.page().evaluate(() => localStorage.getItem("playground:code:emit"))).toBeNull();
    await solution.click();
    expect(await playground().locator(".solution-host").isHidden()).toBe(true);
  });

  it("loads the solution into the editor with Use this solution, and Ctrl+Z brings the learner's code back", async () => {
    await useCode(lab.page(), "// my own attempt\n");
    await openEditor();
    const code = playground().locator(".editor-host");
    await code.getByText("// my own attempt").waitFor();
    const use = playground().getByRole("button", { name: "Use this solution" });
    expect(await use.isVisible()).toBe(false);
    await playground().getByRole("button", { name: "Show solution" }).click();
    await use.click();
    await code.getByText('socket.emit("greet", "hello", 42);').waitFor();
    expect(await code.getByText("// my own attempt").count()).toBe(0);
    await lab.page().keyboard.press("Control+z");
    await code.getByText("// my own attempt").waitFor();
  });
});
