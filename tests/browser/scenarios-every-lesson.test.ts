import { readFileSync } from "node:fs";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { isExpectationStep } from "../../src/client/scenario/link/step-text.js";
import type { Scenario } from "../../src/shared/scenario/schema.js";
import { launchBrowser, openPage, showWholeLab } from "../support/browser.js";

/**
 * Every lesson's page plays one of its shipped scenarios on its real lab, through the page's own Scenarios
 * region, to the end: every expectation row reads "passed". Where a lesson has one, the scenario picked
 * injects a fault (a link fault or a packet fault), the part most likely to break on one page and not the
 * others. tests/browser/scenarios.test.ts tests the region's controls on Emit in depth.
 */
const LESSONS: readonly { slug: string; connected: readonly string[]; file: string; why: string; networkErrors?: true }[] = [
  { slug: "why-websocket", connected: [], file: "recovery-needs-a-first-event", why: "two link drops" },
  { slug: "emit", connected: ["Alice", "Bob"], file: "buffered-emits-keep-their-order", why: "Alice offline" },
  { slug: "acks", connected: ["Alice"], file: "dropped-ack-times-out", why: "a packet fault drops an ack" },
  { slug: "rooms", connected: ["Alice", "Bob", "Carol", "Dave"], file: "to-room-skips-sender", why: "the lesson has no fault scenario" },
  { slug: "recovery", connected: ["Alice", "Bob"], file: "manual-disconnect-is-not-recovered", why: "a link drop" },
  { slug: "retries", connected: ["Alice", "Bob"], file: "dropped-ack-resends", why: "a packet fault drops an ack" },
  { slug: "transports", connected: ["Alice"], file: "websocket-blocked", why: "WebSocket blocked, then a drop", networkErrors: true },
  // Starts the page's two node processes, and restarts them with sticky sessions.
  { slug: "scaling", connected: ["Alice", "Bob"], file: "broadcast-needs-an-adapter", why: "the lesson has no fault scenario" },
];

/** Chromium's own console lines for a request the lab refused or its link cut (what the scenario shows). */
const BROWSER_NETWORK_ERROR = /^(Failed to load resource: |WebSocket connection to '[^']+' failed: )/;

const shipped = (slug: string, file: string) => JSON.parse(readFileSync(`src/lessons/${slug}/scenarios/${file}.json`, "utf8")) as Scenario;

/** What each step's row reads once a run passed: "done" for an action, "passed" for an expectation. */
const passedRun = (scenario: Scenario) => scenario.steps.map((step) => (isExpectationStep(step) ? "passed" : "done"));

const region = (page: Page) => page.getByRole("region", { name: "Scenarios" });
const article = (page: Page, title: string) => region(page).getByRole("article", { name: title, exact: true });
const rows = (item: Locator) => item.getByRole("list", { name: /steps$/ }).getByRole("listitem");
const results = (item: Locator) => item.locator(".step-result").allTextContents();
const currentRow = (item: Locator) =>
  rows(item).evaluateAll((items) => items.findIndex((row) => row.getAttribute("aria-current") === "step"));
const connected = (page: Page, name: string) =>
  page
    .getByRole("group", { name, exact: true })
    .getByRole("status")
    .filter({ hasText: /^connected/ });

let browser: Browser;
let current: { page: Page; errors: string[] } | undefined;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterEach(async () => {
  await current?.page.context().close();
  current = undefined;
});
afterAll(() => browser.close());

/** A fresh learner on the lesson's page, the whole lab shown and the page's own clients connected. */
async function openLesson(slug: string, clients: readonly string[]): Promise<Page> {
  current = await openPage(browser);
  const { page } = current;
  await page.goto(`${inject("origin")}/lessons/${slug}`);
  await showWholeLab(page);
  for (const name of clients) await connected(page, name).waitFor({ timeout: 20_000 });
  return page;
}

/**
 * Presses Play and waits for the run's end ("Done: …", or "Stopped: …" when a step failed), then checks
 * every row: an expectation "passed", an action "done". A failed row fails here, with the rows in the diff.
 */
async function playsThrough(item: Locator, scenario: Scenario): Promise<void> {
  await item.getByRole("button", { name: "Play", exact: true }).click();
  const end = item.locator(".scenario-state").filter({ hasText: /^(Done|Stopped):/ });
  await end.waitFor({ timeout: 90_000 });
  // On a failure the message has each row's whole text: its step, result and evidence.
  const evidence = (await rows(item).allTextContents()).join("\n");
  expect(await results(item), evidence).toEqual(passedRun(scenario));
  expect(await end.textContent()).toMatch(/^Done: \d+ passed, 0 failed/);
}

describe("every lesson's page plays a shipped scenario to the end", () => {
  for (const { slug, connected: clients, file, why, networkErrors } of LESSONS) {
    const scenario = shipped(slug, file);
    it(`${slug}: "${scenario.title}" (${why}) ends with every expectation row passed`, { timeout: 120_000 }, async () => {
      expect(scenario.lesson).toBe(slug);
      const page = await openLesson(slug, clients);
      const item = article(page, scenario.title);
      await item.waitFor({ timeout: 20_000 });
      expect(await rows(item).count()).toBe(scenario.steps.length);
      await playsThrough(item, scenario);
      // The browser reports what a blocked or cut connection does to its requests, as console errors of its own.
      expect(current?.errors.filter((error) => !(networkErrors && BROWSER_NETWORK_ERROR.test(error)))).toEqual([]);
    });
  }
});

describe("a scenario whose client connects in a step, on a page that already has that client", () => {
  // The page's own Alice is connected when Play is pressed; the scenario's Alice (polling through the
  // balancer, or with ackTimeout) must be the one its connect step connects.
  for (const { slug, connected: clients, file } of [
    { slug: "scaling", connected: ["Alice", "Bob"], file: "session-id-unknown" },
    { slug: "acks", connected: ["Alice"], file: "ack-timeout-error-first" },
  ]) {
    const scenario = shipped(slug, file);
    it(`${slug}: "${scenario.title}" ends with every expectation row passed`, { timeout: 120_000 }, async () => {
      const page = await openLesson(slug, clients);
      await playsThrough(article(page, scenario.title), scenario);
      expect(current?.errors.filter((error) => !BROWSER_NETWORK_ERROR.test(error))).toEqual([]);
    });
  }
});

describe("Step and Reset on a lesson other than Emit", () => {
  const scenario = shipped("acks", "dropped-ack-times-out");

  it(
    "Acks: Step runs one step a press with the cursor on the next row, and Reset clears the rows and brings Alice back",
    { timeout: 120_000 },
    async () => {
      const page = await openLesson("acks", ["Alice"]);
      const item = article(page, scenario.title);
      const step = item.getByRole("button", { name: "Step", exact: true }).and(page.locator(":enabled"));
      const expected = passedRun(scenario);
      for (let index = 0; index < 3; index++) {
        await step.click({ timeout: 20_000 });
        await expect.poll(() => currentRow(item), { timeout: 20_000 }).toBe(index + 1);
        // Only the steps up to the cursor ran, each with its result.
        expect(await results(item)).toEqual(expected.map((word, i) => (i <= index ? word : "")));
      }
      await item.getByRole("button", { name: "Reset", exact: true }).click();
      await expect.poll(async () => (await results(item)).every((word) => word === ""), { timeout: 20_000 }).toBe(true);
      expect(await currentRow(item)).toBe(-1);
      await connected(page, "Alice").waitFor({ timeout: 20_000 });
      // After the reset the whole scenario still plays through.
      await playsThrough(item, scenario);
      expect(current?.errors).toEqual([]);
    },
  );
});
