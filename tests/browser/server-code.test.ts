import { readFileSync } from "node:fs";
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useLabPage } from "../support/browser.js";

const lab = useLabPage("/lessons/emit", ["Alice", "Bob"]);

const box = () => lab.page().getByRole("region", { name: "Server code" });
const status = () => box().getByRole("status");
const client = (name: string) => lab.page().getByRole("group", { name });
const sharedText = (name: string) => client(name).getByRole("textbox", { name: "Shared text" });
const serverLog = () => lab.page().getByRole("list", { name: "Server log" });

/** A relay that shouts: what one client types reaches the others in capitals. One line, so typing it needs no care for auto-indent. */
const SHOUTING_RELAY =
  'import type { Server } from "socket.io"; import type { ClientToServerEvents, ServerToClientEvents } from "./events.js"; ' +
  'export default (io: Server<ClientToServerEvents, ServerToClientEvents>) => { io.on("connection", (socket) => { ' +
  'socket.on("editing", (text) => socket.broadcast.emit("editing", text.toUpperCase())); }); };';

/** Opens the server editor and waits until it is ready ("Run on my lab" enabled), or says what the page said. */
async function openServerEditor(page: Page, errors: readonly string[]): Promise<Locator> {
  await box().getByRole("button", { name: "Edit server code" }).click();
  const editor = box().getByRole("textbox", { name: "Your server code" });
  const run = box().getByRole("button", { name: "Run on my lab" }).and(page.locator(":enabled"));
  try {
    await run.waitFor({ timeout: 25_000 });
  } catch {
    throw new Error(`The server editor did not open. Status: "${await status().textContent()}". Console errors: ${JSON.stringify(errors)}`);
  }
  return editor;
}

/** Replaces the editor's whole text, as a learner would: select all, then type (inserted at once, as a paste is). */
async function replaceCode(page: Page, editor: Locator, code: string): Promise<void> {
  await editor.focus();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.insertText(code);
}

/** How many times the server log has said `name` connected. */
const connects = (name: string) =>
  serverLog()
    .getByRole("listitem")
    .filter({ hasText: `${name} connected` })
    .count();

/** Waits until both clients reconnected to the restarted server, counted from `before`. */
async function reconnected(before: Record<string, number>): Promise<void> {
  for (const [name, count] of Object.entries(before)) {
    await expect.poll(() => connects(name), { timeout: 10_000 }).toBeGreaterThan(count);
  }
}

const countConnects = async () => ({ Alice: await connects("Alice"), Bob: await connects("Bob") });

describe("the server code editor", { timeout: 90_000 }, () => {
  it("shows the very server.ts the lab runs, fetched once the page has loaded", async () => {
    const listing = box().locator("pre code");
    await listing.waitFor();
    const source = readFileSync("src/lessons/emit/server.ts", "utf8");
    expect((await listing.textContent())?.trim()).toBe(source.trim());
    expect(await box().locator("[data-listing]").getAttribute("aria-busy")).toBeNull();
  });

  it("runs the learner's server code on the lab, and goes back to the lesson's code", async () => {
    const page = lab.page();
    await box().getByText("Your lab runs the lesson's server code.").waitFor();
    const editor = await openServerEditor(page, lab.errors());
    // It starts from the lesson's own server.ts.
    await box().locator(".server-editor-host .view-lines").getByText("socket.broadcast.emit").first().waitFor();

    // Nothing to go back from yet.
    expect(await box().getByRole("button", { name: "Back to the lesson's code" }).isDisabled()).toBe(true);
    await replaceCode(page, editor, SHOUTING_RELAY);
    let before = await countConnects();
    await box().getByRole("button", { name: "Run on my lab" }).click();
    await status().filter({ hasText: "Running your server code" }).waitFor();
    await box().getByText("Your lab runs your server code.").waitFor();
    await reconnected(before);

    await sharedText("Alice").pressSequentially("hello");
    await expect.poll(() => sharedText("Bob").inputValue(), { timeout: 5000 }).toBe("HELLO");

    before = await countConnects();
    await box().getByRole("button", { name: "Back to the lesson's code" }).click();
    await status().filter({ hasText: "Back to the lesson's code" }).waitFor();
    await box().getByText("Your lab runs the lesson's server code.").waitFor();
    // The pressed button has nothing left to do: the keyboard's focus moves on to Run, not to the page.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("Run on my lab");
    await reconnected(before);

    await sharedText("Alice").pressSequentially(" again");
    await expect.poll(() => sharedText("Bob").inputValue(), { timeout: 5000 }).toBe("hello again");
    // The learner's code stays in the editor.
    await box().locator(".server-editor-host .view-lines").getByText("toUpperCase").first().waitFor();
    expect(lab.errors()).toEqual([]);
  });

  it("types the lesson's server.ts with socket.io's own types, its events and the lab's contract: no error, and completions", async () => {
    const page = lab.page();
    const editor = await openServerEditor(page, lab.errors());
    // One type error of our own, on top: once the checker has underlined it, it has checked the whole file, and
    // a module or type it could not find would be underlined too (the imports are in view, below it).
    await editor.focus();
    await page.keyboard.press("ControlOrMeta+Home");
    await page.keyboard.insertText('const wrong: number = "text";\n');
    const squiggles = box().locator(".server-editor-host .squiggly-error");
    await squiggles.first().waitFor({ state: "attached" });
    await page.waitForTimeout(500);
    expect(await squiggles.count()).toBe(1);
    await page.keyboard.press("ControlOrMeta+End");
    await page.keyboard.insertText('\nimport type { Socket } from "socket.io";\ndeclare const someone: Socket;\nsomeone.jo');
    await page.keyboard.press("Control+Space");
    await box().locator(".suggest-widget").getByText("join", { exact: true }).first().waitFor();
  });

  it("shows a compile error in the status line and marks it in the editor, and the lab keeps the lesson's code", async () => {
    const page = lab.page();
    const editor = await openServerEditor(page, lab.errors());
    // A syntax error (not an open bracket: the editor would close that one itself).
    await replaceCode(page, editor, "export default () => { const = 1; };");
    await box().getByRole("button", { name: "Run on my lab" }).click();
    await status()
      .filter({ hasText: /does not compile: line 1, column \d+/ })
      .waitFor();
    await box().locator(".server-editor-host .squiggly-error").first().waitFor({ state: "attached" });
    await box().getByText("Your lab runs the lesson's server code.").waitFor();
  });

  it("lists the options the lab held to its limits, where the learner sees them", async () => {
    const page = lab.page();
    const editor = await openServerEditor(page, lab.errors());
    await replaceCode(page, editor, "export const options = { pingInterval: 1 }; export default () => {};");
    await box().getByRole("button", { name: "Run on my lab" }).click();
    await status().filter({ hasText: "Running your server code" }).waitFor();
    await box()
      .getByRole("list", { name: "Options the lab changed" })
      .getByRole("listitem")
      .filter({ hasText: /pingInterval 1 is outside the lab's range/ })
      .waitFor();
  });

  it("notices when the lab stopped the learner's code and went back to the lesson's by itself", async () => {
    const page = lab.page();
    const editor = await openServerEditor(page, lab.errors());
    await replaceCode(
      page,
      editor,
      'export default (io) => { io.on("connection", (socket) => { socket.on("editing", () => { while (true) {} }); }); };',
    );
    await box().getByRole("button", { name: "Run on my lab" }).click();
    await box().getByText("Your lab runs your server code.").waitFor();
    // Alice's typing reaches the spinning handler, and the lab's CPU limit stops it.
    await sharedText("Alice").pressSequentially("x");
    await box()
      .getByText(/^Your lab runs the lesson's server code\. Your server code was stopped: .* It went back to the lesson's code\.$/)
      .waitFor({ timeout: 20_000 });
  });

  it("keeps the learner's server code across a reload", async () => {
    const page = lab.page();
    const editor = await openServerEditor(page, lab.errors());
    await replaceCode(page, editor, SHOUTING_RELAY);
    // The edit is kept as the learner types; give the save its turn before the reload.
    await expect.poll(() => page.evaluate(() => localStorage.getItem("playground:server-code:emit"))).toContain("toUpperCase");
    await page.reload();
    await client("Alice")
      .getByRole("status")
      .filter({ hasText: /^connected/ })
      .waitFor();
    await openServerEditor(page, lab.errors());
    await box().locator(".server-editor-host .view-lines").getByText("toUpperCase").first().waitFor();
  });
});

describe("a lesson's server exercise", { timeout: 120_000 }, () => {
  const acks = useLabPage("/lessons/acks", ["Alice", "Bob"]);
  const acksBox = () => acks.page().getByRole("region", { name: "Server code" });

  it("fails the starter with evidence, then passes the solution, and remembers it", async () => {
    const page = acks.page();
    await acksBox().getByRole("button", { name: "Edit server code" }).click();
    await acksBox().getByRole("button", { name: "Run on my lab" }).and(page.locator(":enabled")).waitFor({ timeout: 25_000 });
    await acksBox().getByRole("button", { name: "Start the exercise" }).click();
    await acksBox().locator(".server-editor-host .view-lines").getByText("Answer this emit with the sum").waitFor();
    await acksBox().getByRole("button", { name: "Check my server" }).click();
    await acksBox().getByText("Exercise not passed yet.").waitFor({ timeout: 20_000 });
    await acksBox().getByText("add(2, 3) got no answer within 2 s: the ack was never called").waitFor();

    // "Use this solution" loads the solution the diff shows into the editor, as one undoable edit.
    await acksBox().getByRole("button", { name: "Show solution" }).click();
    await acksBox().getByRole("button", { name: "Use this solution" }).click();
    await acksBox().getByText("The solution is in the editor").waitFor();
    await acksBox().getByRole("button", { name: "Check my server" }).click();
    await acksBox().getByText("Exercise passed: your server did it.").waitFor({ timeout: 20_000 });
    await acksBox().getByText("add(2, 3) answered 5").waitFor();
    const progress = await page.evaluate(() => JSON.parse(localStorage.getItem("playground:progress") ?? "{}") as Record<string, unknown>);
    expect(progress.acks).toMatchObject({ serverExercisePassed: true });
    expect(acks.errors()).toEqual([]);
  });
});
