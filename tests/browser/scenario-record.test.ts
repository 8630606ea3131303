import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useLabPage } from "../support/browser.js";

/** Record beyond the panel's forms (docs/scenario-ui.md, "Record"): a lesson's own control, and a server code run. */
const lab = useLabPage("/lessons/emit", ["Alice", "Bob"]);

const region = () => lab.page().getByRole("region", { name: "Scenarios" });
const client = (name: string) => lab.page().getByRole("group", { name, exact: true });
const sharedText = (name: string) => client(name).getByRole("textbox", { name: "Shared text" });
const codeBox = () => lab.page().getByRole("region", { name: "Server code" });
const serverLog = () => lab.page().getByRole("list", { name: "Server log" });
const recorded = () => region().getByRole("list", { name: "Recorded steps" }).getByRole("listitem");

/** Capitals, so a replay shows it ran the learner's code and not the lesson's. One line, so typing needs no care for auto-indent. */
const SHOUTING_RELAY =
  'import type { Server } from "socket.io"; import type { ClientToServerEvents, ServerToClientEvents } from "./events.js"; ' +
  'export default (io: Server<ClientToServerEvents, ServerToClientEvents>) => { io.on("connection", (socket) => { ' +
  'socket.on("editing", (text) => socket.broadcast.emit("editing", text.toUpperCase())); }); };';

async function startRecording(): Promise<Locator> {
  const record = region().getByRole("button", { name: "Record" });
  await record.click();
  await expect.poll(() => record.getAttribute("aria-pressed")).toBe("true");
  return record;
}

/** Adds "Bob receives editing", stops, and answers the recording's step texts. */
async function finishRecording(record: Locator): Promise<{ mine: Locator; texts: string[] }> {
  const form = region().getByRole("group", { name: "Add an expectation" });
  await form.getByRole("combobox", { name: "Client" }).selectOption("Bob");
  await form.getByRole("textbox", { name: "Event" }).fill("editing");
  await form.getByRole("button", { name: "Add expectation" }).click();
  await record.click();
  await expect.poll(() => record.getAttribute("aria-pressed")).toBe("false");
  const mine = region().getByRole("article", { name: /^Your recording/ });
  return { mine, texts: await mine.locator(".step-text").allTextContents() };
}

async function finished(article: Locator, timeout = 45_000): Promise<string> {
  const state = article.locator(".scenario-state").filter({ hasText: /^(Done|Stopped):/ });
  await state.waitFor({ timeout });
  return (await state.textContent()) ?? "";
}

/** How many server log lines hold `text`. */
const logLines = (text: string) => serverLog().getByRole("listitem").filter({ hasText: text }).count();

async function bothConnected(page: Page, after: { Alice: number; Bob: number }): Promise<void> {
  for (const [name, count] of Object.entries(after)) {
    await expect.poll(() => logLines(`${name} connected`), { timeout: 15_000 }).toBeGreaterThan(count);
  }
  void page;
}

describe("Record, beyond the client panel's forms", { timeout: 120_000 }, () => {
  it("keeps what Alice types in the shared text as one emit of the whole text, and the recording replays it", async () => {
    const record = await startRecording();
    await sharedText("Alice").pressSequentially("hello");
    await expect.poll(() => recorded().count()).toBeGreaterThanOrEqual(1);
    const { mine, texts } = await finishRecording(record);
    expect(texts).toEqual(['Alice emits editing "hello"', "Bob receives editing"]);
    const before = await logLines('"hello"');
    await mine.getByRole("button", { name: "Play" }).click();
    expect(await finished(mine)).toMatch(/^Done: 1 passed, 0 failed/);
    await expect.poll(() => logLines('"hello"')).toBeGreaterThan(before);
    expect(lab.errors()).toEqual([]);
  });

  it("keeps a server code run as a step, and the replay runs that code again on the lab", async () => {
    const page = lab.page();
    await codeBox().getByRole("button", { name: "Edit server code" }).click();
    const run = codeBox().getByRole("button", { name: "Run on my lab" }).and(page.locator(":enabled"));
    await run.waitFor({ timeout: 30_000 });
    const record = await startRecording();
    const editor = codeBox().getByRole("textbox", { name: "Your server code" });
    await editor.focus();
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.insertText(SHOUTING_RELAY);
    let connects = { Alice: await logLines("Alice connected"), Bob: await logLines("Bob connected") };
    await run.click();
    await codeBox().getByText("Your lab runs your server code.").waitFor({ timeout: 20_000 });
    await bothConnected(page, connects);
    await sharedText("Alice").pressSequentially("hi");
    await expect.poll(() => sharedText("Bob").inputValue(), { timeout: 10_000 }).toBe("HI");
    const { mine, texts } = await finishRecording(record);
    expect(texts[0]).toBe("Run my server code (1 lines)");
    expect(texts).toContain('Alice emits editing "hi"');

    // Back to the lesson's code, so only the recording's own step can make the server shout again.
    connects = { Alice: await logLines("Alice connected"), Bob: await logLines("Bob connected") };
    await codeBox().getByRole("button", { name: "Back to the lesson's code" }).click();
    await codeBox().getByText("Your lab runs the lesson's server code.").waitFor({ timeout: 20_000 });
    await bothConnected(page, connects);
    const shouted = await logLines('"HI"');
    await mine.getByRole("button", { name: "Play" }).click();
    expect(await finished(mine)).toMatch(/^Done: 1 passed, 0 failed/);
    await expect.poll(() => logLines('"HI"'), { timeout: 10_000 }).toBeGreaterThan(shouted);
    expect(lab.errors()).toEqual([]);
  });
});
