import { createServer, type Server } from "node:http";
import { deflateRawSync } from "node:zlib";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openPage, useLabPage } from "../support/browser.js";

const lab = useLabPage("/lessons/emit", ["Alice", "Bob"]);
const origin = inject("origin");

const BROADCAST = "A broadcast skips its sender";
const BUFFERED = "Emits made while disconnected keep their order (socket.io #3414)";

const region = (page: Page = lab.page()) => page.getByRole("region", { name: "Scenarios" });
const scenario = (title: string | RegExp, page: Page = lab.page()) => region(page).getByRole("article", { name: title });
const rows = (article: Locator) => article.getByRole("list", { name: /steps$/ }).getByRole("listitem");
const client = (name: string, page: Page = lab.page()) => page.getByRole("group", { name, exact: true });

/** Waits until the scenario's run ends ("Done: …" or "Stopped: …") and answers what it says. */
async function finished(article: Locator, timeout = 30_000): Promise<string> {
  const state = article.locator(".scenario-state").filter({ hasText: /^(Done|Stopped):/ });
  await state.waitFor({ timeout });
  return (await state.textContent()) ?? "";
}

/** Each step row's result word: "done" for an action, "passed" or "failed" for an expectation. */
async function results(article: Locator): Promise<string[]> {
  return article.locator(".step-result").allTextContents();
}

const currentRow = (article: Locator) =>
  rows(article).evaluateAll((items) => items.findIndex((item) => item.getAttribute("aria-current") === "step"));

/** A hand-made link, as a hostile or future page would make one. */
const linkOf = (value: unknown) => `${origin}/lessons/emit#scenario=${deflateRawSync(JSON.stringify(value)).toString("base64url")}`;

async function reopen(page: Page, url: string): Promise<void> {
  // A fragment-only change would not reload the page: go elsewhere first.
  await page.goto("about:blank");
  await page.goto(url);
  for (const name of ["Alice", "Bob"])
    await client(name, page)
      .getByRole("status")
      .filter({ hasText: /^connected/ })
      .waitFor();
}

describe("the Scenarios region on a lesson page", () => {
  it("lists the lesson's shipped scenarios, each with its controls", async () => {
    const articles = region().getByRole("article");
    expect(await articles.count()).toBeGreaterThanOrEqual(2);
    const first = scenario(BROADCAST);
    for (const name of ["Play", "Pause", "Step", "Reset", "Copy link"]) {
      await expect.poll(() => first.getByRole("button", { name, exact: true }).count()).toBe(1);
    }
    expect(await region().getByRole("button", { name: "Record" }).getAttribute("aria-pressed")).toBe("false");
  });

  it("Play runs a scenario to its end on the real lab, and every expectation row reads passed", async () => {
    const article = scenario(BROADCAST);
    await article.getByRole("button", { name: "Play" }).click();
    expect(await finished(article)).toMatch(/^Done: 3 passed, 0 failed/);
    const words = await results(article);
    expect(words).toEqual(["done", "passed", "passed", "passed"]);
    // Each expectation shows its evidence beside its result.
    expect(await rows(article).nth(1).locator(".step-evidence").textContent()).not.toBe("");
    // The timeline marks where each step happened.
    await lab.page().getByText("Scenario step 1: Alice emits greet", { exact: false }).first().waitFor();
    expect(lab.errors()).toEqual([]);
  });

  it("Reset puts the lab back: the rows are cleared and the page's own Alice and Bob are connected again", async () => {
    const article = scenario(BROADCAST);
    await article.getByRole("button", { name: "Play" }).click();
    expect(await finished(article)).toMatch(/^Done:/);
    await article.getByRole("button", { name: "Reset" }).click();
    await expect.poll(async () => (await results(article)).every((word) => word === ""), { timeout: 20_000 }).toBe(true);
    for (const name of ["Alice", "Bob"]) {
      await client(name)
        .getByRole("status")
        .filter({ hasText: /^connected/ })
        .waitFor({ timeout: 20_000 });
    }
    expect(await lab.page().getByRole("group", { name: "Alice", exact: true }).count()).toBe(1);
    expect(await currentRow(article)).toBe(-1);
  });

  it("Step runs one step at a time: the cursor moves one row each press", async () => {
    const article = scenario(BROADCAST);
    const step = article.getByRole("button", { name: "Step" });
    await step.click();
    await expect.poll(() => currentRow(article), { timeout: 20_000 }).toBe(1);
    expect(await results(article)).toEqual(["done", "", "", ""]);
    await step.and(lab.page().locator(":enabled")).click();
    await expect.poll(() => currentRow(article), { timeout: 20_000 }).toBe(2);
    expect(await results(article)).toEqual(["done", "passed", "", ""]);
  });

  it("Pause stops a run after the step under way, with the cursor on the next one; Play goes on to the end", async () => {
    const article = scenario(BUFFERED);
    await article.getByRole("button", { name: "Play" }).click();
    // The first step (Alice goes offline) is running: pause now.
    await rows(article)
      .first()
      .locator(".step-result")
      .filter({ hasText: /running|done/ })
      .waitFor({ timeout: 20_000 });
    await article.getByRole("button", { name: "Pause" }).click();
    await article
      .locator(".scenario-state")
      .filter({ hasText: /^Paused before step \d+/ })
      .waitFor({ timeout: 20_000 });
    const paused = Number(/step (\d+)/.exec((await article.locator(".scenario-state").textContent()) ?? "")?.[1]);
    expect(paused).toBeGreaterThan(1);
    expect(paused).toBeLessThan(await rows(article).count());
    expect(await currentRow(article)).toBe(paused - 1);
    await article.getByRole("button", { name: "Play" }).click();
    expect(await finished(article)).toMatch(/failed 0|0 failed/);
  });

  it("Copy link shows a Scenario link whose opening loads the scenario without running it", async () => {
    const page = lab.page();
    await scenario(BROADCAST).getByRole("button", { name: "Copy link" }).click();
    const box = region().getByRole("textbox", { name: "Scenario link" });
    // The region's code loads on first use and the link is compressed asynchronously: on a loaded CI machine
    // that took longer than expect.poll's default 5 s.
    await expect.poll(() => box.inputValue(), { timeout: 20_000 }).toMatch(/\/lessons\/emit#scenario=[A-Za-z0-9_-]+$/);
    expect(await box.getAttribute("readonly")).not.toBeNull();
    expect(await region().getByRole("textbox", { name: "Embed code" }).inputValue()).toMatch(/^<iframe src="[^"]+\/embed\/emit#scenario=/);
    const url = await box.inputValue();

    await reopen(page, url);
    const shared = scenario(`Shared: ${BROADCAST}`);
    await shared.waitFor();
    await region().getByRole("status").filter({ hasText: "Nothing runs until you press Play" }).waitFor();
    // Nothing ran: no step has a result, and Bob received nothing.
    expect((await results(shared)).every((word) => word === "")).toBe(true);
    expect(await client("Bob").getByRole("list", { name: "Received" }).getByRole("listitem").count()).toBe(0);
    await shared.getByRole("button", { name: "Play" }).click();
    expect(await finished(shared)).toMatch(/^Done: 3 passed, 0 failed/);
  });

  it("Export as a script saves one Node file of the scenario; Copy as a bug report shows its Markdown with its results", async () => {
    const page = lab.page();
    const article = scenario(BROADCAST);
    const download = page.waitForEvent("download", { timeout: 30_000 });
    await article.getByRole("button", { name: "Export as a script" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^emit-a-broadcast-skips-its-sender\.mjs$/);
    const { readFile } = await import("node:fs/promises");
    const script = await readFile((await file.path())!, "utf8");
    expect(script).toContain("socket.io-client");
    await article.getByRole("button", { name: "Play" }).click();
    expect(await finished(article)).toMatch(/^Done: 3 passed/);
    await article.getByRole("button", { name: "Copy as a bug report" }).click();
    const report = region().getByRole("textbox", { name: "Bug report" });
    await expect.poll(() => report.inputValue()).toContain(BROADCAST);
    expect(await report.inputValue()).toMatch(/passed/);
    expect(lab.errors()).toEqual([]);
  });

  it("a broken link and a link from a newer version each get a clear message, and the lab works without them", async () => {
    const page = lab.page();
    await reopen(page, `${origin}/lessons/emit#scenario=not-a-scenario`);
    await region()
      .getByRole("alert")
      .filter({ hasText: /broken/ })
      .waitFor();
    const future = { version: 99, lesson: "emit", title: "From the future", clients: [{ name: "Alice" }], steps: [] };
    await reopen(page, linkOf(future));
    await region()
      .getByRole("alert")
      .filter({ hasText: /newer version/ })
      .waitFor();
    expect(
      await region()
        .getByRole("article", { name: /From the future/ })
        .count(),
    ).toBe(0);
    // The shipped scenarios still play.
    await scenario(BROADCAST).getByRole("button", { name: "Play" }).click();
    expect(await finished(scenario(BROADCAST))).toMatch(/^Done: 3 passed/);
  });

  it("Record turns an emit and a drop into steps, with an expectation added, and the recording plays", async () => {
    const page = lab.page();
    const record = region().getByRole("button", { name: "Record" });
    await record.click();
    await expect.poll(() => record.getAttribute("aria-pressed")).toBe("true");
    const alice = client("Alice");
    await alice.getByRole("textbox", { name: "Event name" }).fill("greet");
    await alice.getByRole("textbox", { name: "Arguments (JSON)" }).fill('"hi"');
    await alice.getByRole("button", { name: "Emit" }).click();
    await alice.getByRole("button", { name: "Drop" }).click();
    const recorded = region().getByRole("list", { name: "Recorded steps" }).getByRole("listitem");
    await expect.poll(() => recorded.count()).toBeGreaterThanOrEqual(3);
    const form = region().getByRole("group", { name: "Add an expectation" });
    await form.getByRole("combobox", { name: "Client" }).selectOption("Bob");
    await form.getByRole("textbox", { name: "Event" }).fill("greet");
    await form.getByRole("button", { name: "Add expectation" }).click();
    await recorded.getByRole("textbox", { name: "Step 1 name" }).fill("Alice says hi");
    await recorded.getByRole("textbox", { name: "Step 1 name" }).press("Tab");
    await record.click();
    await expect.poll(() => record.getAttribute("aria-pressed")).toBe("false");

    const mine = scenario(/^Your recording/);
    const texts = await mine.locator(".step-text").allTextContents();
    expect(texts[0]).toBe("Alice says hi");
    expect(texts).toContain("Alice's link: drop");
    expect(texts).toContain("Wait until Alice's status becomes disconnected");
    expect(texts.at(-1)).toBe("Bob receives greet");
    await client("Alice", page)
      .getByRole("status")
      .filter({ hasText: /^connected/ })
      .waitFor({ timeout: 20_000 });
    await mine.getByRole("button", { name: "Play" }).click();
    expect(await finished(mine)).toMatch(/^Done: 1 passed, 0 failed/);
  });
});

describe("the embed view", () => {
  let framer: Server;
  let framerOrigin: string;
  beforeAll(async () => {
    // Another origin (a second local port) that frames an embed page and a lesson page.
    framer = createServer((_req, res) => {
      res.setHeader("content-type", "text/html");
      res.end(
        `<!doctype html><title>Framer</title>` +
          `<iframe id="embed" title="embed" src="${origin}/embed/emit"></iframe>` +
          `<iframe id="lesson" title="lesson" src="${origin}/lessons/emit"></iframe>`,
      );
    });
    await new Promise<void>((resolve) => framer.listen(0, "127.0.0.1", resolve));
    const address = framer.address();
    framerOrigin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => framer.close(() => resolve())));

  it("/embed/emit serves the lab and its scenarios alone, framable by any site", async () => {
    const { page, errors } = await openPage(lab.page().context().browser()!);
    const response = await page.goto(`${origin}/embed/emit`);
    expect(response?.status()).toBe(200);
    const headers = response?.headers() ?? {};
    expect(headers["content-security-policy"]).toContain("frame-ancestors *");
    expect(headers["content-security-policy"]).not.toContain("frame-ancestors 'none'");
    expect(headers["x-frame-options"]).toBeUndefined();
    await page.getByRole("heading", { name: "Your lab" }).waitFor();
    await region(page).getByRole("article", { name: BROADCAST }).waitFor();
    expect(await page.getByRole("navigation", { name: "Site" }).count()).toBe(0);
    await client("Alice", page)
      .getByRole("status")
      .filter({ hasText: /^connected/ })
      .waitFor();
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("a page of another origin can frame /embed/emit and cannot frame /lessons/emit", async () => {
    const { page } = await openPage(lab.page().context().browser()!);
    await page.goto(framerOrigin);
    const embed = page.frameLocator("#embed");
    await embed.getByRole("heading", { name: "Your lab" }).waitFor({ timeout: 20_000 });
    const lessonFrame = await (await page.locator("#lesson").elementHandle())!.contentFrame();
    await expect.poll(() => lessonFrame?.url()).toMatch(/^chrome-error:/);
    expect(await page.frameLocator("#lesson").getByRole("heading", { name: "Your lab" }).count()).toBe(0);
    await page.context().close();
  });
});
