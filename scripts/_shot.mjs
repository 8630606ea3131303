import { chromium } from "playwright-core";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless","--no-sandbox","--disable-gpu","--disable-background-networking"] });
const [path, scheme, width, height, out] = process.argv.slice(2);
const page = await browser.newPage({ viewport: { width: Number(width), height: Number(height) }, colorScheme: scheme });
page.on("console", (m) => console.log("console", m.type(), m.text()));
await page.goto("http://localhost:4399" + path);
await page.waitForTimeout(1200);
await page.screenshot({ path: out, fullPage: false });
await browser.close();
