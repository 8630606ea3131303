// Takes docs/screenshot.png for the README: the Emit lesson after Alice has emitted and typed.
// Needs a production build (npm run build) and Debian's Chromium.
import { spawn } from "node:child_process";
import { chromium } from "playwright-core";

const port = 4300 + Math.floor(Math.random() * 500);
const origin = `http://127.0.0.1:${port}`;
const server = spawn(process.execPath, ["dist/host/start.mjs"], {
  env: { ...process.env, PORT: String(port), HOST: "127.0.0.1" },
  stdio: "inherit",
});
try {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${origin}/api/health`)).ok) break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${origin}/lessons/emit`);
  const alice = page.getByRole("group", { name: "Alice" });
  const bob = page.getByRole("group", { name: "Bob" });
  await bob.getByRole("status").filter({ hasText: /^connected/ }).waitFor();
  await alice.getByRole("button", { name: "Emit" }).click();
  await alice.getByRole("textbox", { name: "Shared text" }).pressSequentially("hello Bob");
  await bob.getByRole("list", { name: "Received" }).getByRole("listitem").filter({ hasText: "hello Bob" }).waitFor();
  await page.screenshot({ path: "docs/screenshot.png" });
  await browser.close();
} finally {
  server.kill("SIGTERM");
}
