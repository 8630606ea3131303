// Takes docs/screenshot.png for the README: the Emit lesson after Alice has emitted and typed.
// Needs a production build (npm run build) and Debian's Chromium.
import { chromium } from "playwright-core";
import { CHROMIUM_LAUNCH, startProductionServer } from "./production-server.mjs";

const server = await startProductionServer();
try {
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${server.origin}/lessons/emit`);
  const alice = page.getByRole("group", { name: "Alice" });
  const bob = page.getByRole("group", { name: "Bob" });
  await bob
    .getByRole("status")
    .filter({ hasText: /^connected/ })
    .waitFor();
  await alice.getByRole("button", { name: "Emit" }).click();
  await alice.getByRole("textbox", { name: "Shared text" }).pressSequentially("hello Bob");
  await bob.getByRole("list", { name: "Received" }).getByRole("listitem").filter({ hasText: "hello Bob" }).waitFor();
  await page.screenshot({ path: "docs/screenshot.png" });
  await browser.close();
} finally {
  await server.stop();
}
