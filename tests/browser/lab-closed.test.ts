import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser } from "playwright-core";
import type { LabInfo } from "../../src/shared/lab-api.js";
import { launchBrowser, openPage } from "../support/browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

describe("a lab that closes under the learner", () => {
  it("says the lab has closed, and Open a fresh lab brings a new lab with the clients connected", async () => {
    const { page } = await openPage(browser);
    const opened: string[] = [];
    page.on("response", (response) => {
      if (response.url().endsWith("/api/labs") && response.request().method() === "POST") {
        void response.json().then((lab: LabInfo) => opened.push(lab.id));
      }
    });
    await page.goto(`${inject("origin")}/lessons/emit`);
    const alice = page.getByRole("group", { name: "Alice" });
    await alice
      .getByRole("status")
      .filter({ hasText: /^connected/ })
      .waitFor();
    await expect.poll(() => opened.length).toBe(1);

    // As when the process that held it restarts, or it sat idle: the lab is gone.
    expect((await fetch(`${inject("origin")}/api/labs/${opened[0]}`, { method: "DELETE" })).status).toBe(204);
    const status = page.getByRole("status").filter({ hasText: "This lab has closed" });
    await status.waitFor();
    await status.getByRole("button", { name: "Open a fresh lab" }).click();
    await alice
      .getByRole("status")
      .filter({ hasText: /^connected/ })
      .waitFor();
    await expect.poll(() => opened.length).toBe(2);
    expect(opened[1]).not.toBe(opened[0]);
    await page.context().close();
  });
});
