/**
 * Learner code attacking its own page from the sandbox: floods that go around the worker's batching, huge
 * console lines, memory that grows without end. Each test runs the attack in real Chromium and proves the
 * page survives it, stays responsive, and says why the run stopped.
 */
import { chromium, type Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { CHROMIUM_LAUNCH } from "../../scripts/production-server.mjs";
import { openCodeEditor, useLabPage } from "../support/browser.js";

const lab = useLabPage("/lessons/emit", []);

const playground = (page = lab.page()) => page.getByRole("region", { name: "Try it in code" });
const consoleList = (page = lab.page()) => playground(page).getByRole("log", { name: "Console" });
const runButton = (page = lab.page()) => playground(page).getByRole("button", { name: "Run", exact: true });
const stopButton = (page = lab.page()) => playground(page).getByRole("button", { name: "Stop" });

/** Opens the editor on `code`, as a learner who saved it, and runs it. */
async function run(page: Page, code: string, errors: readonly string[] = []): Promise<void> {
  await page.evaluate((text) => localStorage.setItem("playground:code:emit", text), code);
  await page.reload();
  await openCodeEditor(page, errors);
  await runButton(page).click();
}

/** How long the page takes to run a trivial script; a frozen page does not answer within `limitMs`. */
async function roundTrip(page: Page, limitMs = 1000): Promise<number> {
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const frozen = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`the page did not answer within ${limitMs} ms`)), limitMs);
  });
  try {
    await Promise.race([page.evaluate(() => 6 * 7), frozen]);
  } finally {
    clearTimeout(timer);
  }
  return Date.now() - started;
}

/** Clicks Stop and returns how long until the page says the run stopped. */
async function stopTakes(page: Page): Promise<number> {
  const started = Date.now();
  await stopButton(page).click({ timeout: 2000 });
  await playground(page).getByRole("status").filter({ hasText: "Stopped." }).waitFor({ timeout: 2000 });
  return Date.now() - started;
}

/** Learner code that makes the worker's console.log post at once, every call: no batching left. */
const UNBATCHED = "(globalThis as any).setTimeout = () => undefined;\n";

describe("the sandbox under attack from its own code", { timeout: 90_000 }, () => {
  it("stops a busy loop that floods the page with messages, and the page answers throughout", async () => {
    // The real postMessage where the code can reach it, else console.log with its batching taken away.
    await run(
      lab.page(),
      [
        "const g = globalThis as any;",
        "let post = (text: string) => g.postMessage({ type: 'console', level: 'log', lines: [text] });",
        `try { post("flooding"); } catch { ${UNBATCHED} post = (text) => console.log(text); post("flooding"); }`,
        "while (true) post('forged');",
      ].join("\n"),
      lab.errors(),
    );
    await consoleList().getByText("flooding").first().waitFor();
    const reason = playground().getByRole("status").filter({ hasText: "more than any run may" });
    const deadline = Date.now() + 10_000;
    while (!(await reason.isVisible())) {
      expect(await roundTrip(lab.page())).toBeLessThan(1000);
      expect(Date.now()).toBeLessThan(deadline);
    }
    await consoleList()
      .getByText(/^Stopped: the sandbox sent \d+ messages/)
      .waitFor();
    expect(await consoleList().getByRole("listitem").count()).toBeLessThanOrEqual(500);
    expect(await roundTrip(lab.page())).toBeLessThan(1000);
  });

  it("drops what a steady flood sends over the page's budget, says so, and Run and Stop answer within 2 s", async () => {
    // About 600 messages a second: under the rate that ends a run, over the one the page shows.
    await run(
      lab.page(),
      `${UNBATCHED}setInterval(() => {\n  for (let i = 0; i < 60; i++) console.log("flood " + i);\n}, 100);\n`,
      lab.errors(),
    );
    await consoleList()
      .getByText(/messages dropped: the run sent more than the page shows/)
      .first()
      .waitFor({ timeout: 10_000 });
    expect(await roundTrip(lab.page())).toBeLessThan(1000);
    // Running again (Ctrl+Enter: Run is disabled while a run goes on) starts over at once, not after a backlog.
    await consoleList()
      .getByRole("listitem")
      .first()
      .evaluate((item) => item.setAttribute("data-before", ""));
    const started = Date.now();
    await playground().getByRole("textbox", { name: "Your code" }).focus();
    await lab.page().keyboard.press("Control+Enter");
    // The new run clears the console, then prints again.
    await expect.poll(() => consoleList().locator("[data-before]").count(), { timeout: 5000 }).toBe(0);
    await playground().getByRole("status").filter({ hasText: "Running as the lab client" }).waitFor({ timeout: 5000 });
    await consoleList()
      .getByText(/^flood \d+$/)
      .first()
      .waitFor();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await stopTakes(lab.page())).toBeLessThan(2000);
    expect(await lab.page().locator("[data-code-playground] iframe").count()).toBe(0);
  });

  it("cuts a 100 MB console line to 10 KB with a marker, and the page answers", async () => {
    await run(lab.page(), 'console.log("x".repeat(100_000_000));\nconsole.log("after");\n', lab.errors());
    const line = consoleList().getByText(/\(truncated, \d+ KB\)$/);
    await line.waitFor({ timeout: 15_000 });
    const text = (await line.textContent()) ?? "";
    expect(text.length).toBeLessThanOrEqual(10 * 1024 + 40);
    expect(text).toContain("… (truncated, 97657 KB)");
    await consoleList().getByText("after").waitFor();
    expect(await roundTrip(lab.page())).toBeLessThan(1000);
  });

  it("cuts a long line on the page too, when the code has broken the worker's own truncation", async () => {
    // With String.prototype.slice made a no-op, the worker's cut does nothing: the page's must.
    await run(
      lab.page(),
      'String.prototype.slice = function (this: string) { return String(this); };\nconsole.log("y".repeat(1_500_000));\n',
      lab.errors(),
    );
    const line = consoleList().getByText(/^y+… \(truncated/);
    await line.waitFor({ timeout: 15_000 });
    expect(((await line.textContent()) ?? "").length).toBeLessThanOrEqual(10 * 1024 + 80);
    expect(await roundTrip(lab.page())).toBeLessThan(1000);
  });

  it("keeps the worker's real postMessage from the code, on the global and on its prototype", async () => {
    await run(
      lab.page(),
      [
        "const g = globalThis as any;",
        "for (const [name, post] of [['self', () => g.postMessage({ type: 'ready' })], ['prototype', () => Object.getPrototypeOf(g).postMessage.call(g, { type: 'ready' })]] as const) {",
        "  try { post(); console.log(name + ' reached'); } catch (error) { console.log(name + ' refused: ' + (error as Error).message); }",
        "}",
      ].join("\n"),
      lab.errors(),
    );
    await consoleList()
      .getByText(/^prototype (reached|refused)/)
      .waitFor();
    await consoleList()
      .getByText("self refused: postMessage is the sandbox's own: use console.log to print, and the page shows it.")
      .waitFor();
    expect(
      await consoleList()
        .getByText(/reached/)
        .count(),
    ).toBe(0);
  });

  it("stops a run whose 100 MB line got past the worker's cut, and the page answers", async () => {
    await run(
      lab.page(),
      'console.log("before");\nString.prototype.slice = function (this: string) { return String(this); };\nconsole.log("z".repeat(100_000_000));\n',
      lab.errors(),
    );
    await consoleList().getByText("before").waitFor();
    await playground().getByRole("status").filter({ hasText: "more than any run may" }).waitFor({ timeout: 20_000 });
    expect(await roundTrip(lab.page())).toBeLessThan(1000);
    const longest = await consoleList()
      .getByRole("listitem")
      .evaluateAll((items) => Math.max(...items.map((item) => item.textContent?.length ?? 0)));
    expect(longest).toBeLessThanOrEqual(10 * 1024 + 80);
  });

  it("ignores a malformed message and says so, when the code has bent what the worker sends", async () => {
    // The worker reads an error's line from its stack with a RegExp: bent, it reports line -5.
    await run(
      lab.page(),
      'console.log("bending");\nRegExp.prototype.exec = function () { return ["", "-5"] as unknown as RegExpExecArray; };\nthrow new Error("boom");\n',
      lab.errors(),
    );
    await consoleList().getByText("bending").waitFor();
    await consoleList().getByText("… 1 malformed message ignored.").waitFor();
    expect(await consoleList().getByText(/boom/).count()).toBe(0);
  });

  it("stops code that fills memory in a loop that never yields, and says why", async () => {
    const started = Date.now();
    await run(
      lab.page(),
      'console.log("filling");\nconst a: number[][] = [];\nwhile (true) a.push(new Array(1e6).fill(1));\n',
      lab.errors(),
    );
    await consoleList().getByText("filling").waitFor();
    await playground().getByRole("status").filter({ hasText: "the sandbox did not answer" }).waitFor({ timeout: 20_000 });
    await consoleList()
      .getByText(/did not answer for 3 s.*more memory than the browser allows/)
      .waitFor();
    expect(await roundTrip(lab.page())).toBeLessThan(1000);
    expect(await lab.page().locator("[data-code-playground] iframe").count()).toBe(0);
    expect(Date.now() - started).toBeLessThan(45_000);
  });
});

describe("the sandbox on a browser with little memory", { timeout: 120_000 }, () => {
  it("survives code that fills memory while it keeps answering, and says why the run stopped", async () => {
    // A 512 MB heap, as on a small device, so the sandbox's process runs out in seconds rather than at 4 GB.
    const browser = await chromium.launch({ ...CHROMIUM_LAUNCH, args: [...CHROMIUM_LAUNCH.args, "--js-flags=--max-old-space-size=512"] });
    try {
      const page = await (await browser.newContext()).newPage();
      // The step whose exercise the code box holds: the first step keeps it closed.
      await page.goto(`${inject("origin")}/lessons/emit#check-yourself`);
      await run(
        page,
        'console.log("filling");\nconst a: number[][] = [];\nsetInterval(() => {\n  for (let i = 0; i < 5; i++) a.push(new Array(1e6).fill(1));\n}, 0);\n',
      );
      await consoleList(page).getByText("filling").waitFor();
      // When the sandbox's process dies, Playwright counts the page as crashed, although its own process
      // lives on: the DevTools protocol still reaches the page, and asks it what it shows.
      const devtools = await page.context().newCDPSession(page);
      const read = async () =>
        (
          await devtools.send("Runtime.evaluate", {
            expression: "[document.querySelector('.run-status')?.textContent, document.querySelector('.run-console')?.textContent]",
            returnByValue: true,
          })
        ).result.value as [string, string];
      await expect.poll(async () => (await read())[0], { timeout: 60_000, interval: 250 }).toContain("did not answer");
      const shown = await read();
      expect(shown[1]).toContain("more memory than the browser allows");
      const alive = await devtools.send("Runtime.evaluate", { expression: "6 * 7", returnByValue: true });
      expect(alive.result.value).toBe(42);
    } finally {
      await browser.close();
    }
  });
});
