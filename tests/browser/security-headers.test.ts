import { createServer, type Server } from "node:http";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { COURSE_SLUGS } from "../../src/shared/course.js";
import { launchBrowser, openCodeEditor, openPage } from "../support/browser.js";

const origin = inject("origin");
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

const pages = ["/", ...COURSE_SLUGS.map((slug) => `/lessons/${slug}`)];

/** A page that records every policy violation its documents report, from the first script on. */
async function watchedPage(): Promise<{ page: Page; errors: string[]; violations: () => Promise<string[]> }> {
  const { page, errors } = await openPage(browser);
  await page.addInitScript(() => {
    const seen: string[] = [];
    (globalThis as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (event) => {
      seen.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} (${event.sourceFile}:${event.lineNumber})`);
    });
  });
  const violations = async () => {
    const reported = await page.evaluate(() => (globalThis as unknown as { cspViolations: string[] }).cspViolations);
    return [...reported, ...errors.filter((error) => /Content Security Policy|Refused to/i.test(error))];
  };
  return { page, errors, violations };
}

describe("security headers and the pages' Content Security Policy", () => {
  for (const path of pages) {
    it(`${path} has its policy and headers, and breaks none of it`, async () => {
      const { page, violations } = await watchedPage();
      const response = await page.goto(`${origin}${path}`);
      expect(response?.status()).toBe(200);
      const headers = response?.headers() ?? {};
      expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
      expect(headers["x-frame-options"]).toBe("DENY");
      expect(headers["x-content-type-options"]).toBe("nosniff");
      expect(headers["referrer-policy"]).toBe("same-origin");
      const meta = await page.locator('meta[http-equiv="content-security-policy"]').getAttribute("content");
      const scripts = /script-src([^;]*)/.exec(meta ?? "")?.[1] ?? "";
      expect(scripts).toContain("'self'");
      expect(scripts).not.toContain("'unsafe-inline'");
      expect(scripts).not.toContain("'unsafe-eval'");
      // Let the lab connect and the page's scripts settle.
      await page.waitForLoadState("networkidle");
      expect(await violations()).toEqual([]);
    });
  }

  for (const slug of COURSE_SLUGS) {
    it(`/embed/${slug} may be framed by any site, and keeps the rest of the policy`, async () => {
      const { page, violations } = await watchedPage();
      const response = await page.goto(`${origin}/embed/${slug}`);
      expect(response?.status()).toBe(200);
      const headers = response?.headers() ?? {};
      expect(headers["content-security-policy"]).toContain("frame-ancestors *");
      expect(headers["content-security-policy"]).not.toContain("frame-ancestors 'none'");
      expect(headers["content-security-policy"]).toContain("object-src 'none'");
      expect(headers["x-frame-options"]).toBeUndefined();
      expect(headers["x-content-type-options"]).toBe("nosniff");
      await page.waitForLoadState("networkidle");
      expect(await violations()).toEqual([]);
    });
  }

  it("keeps refusing to be framed on every path that is not an embed page, however it is spelled", async () => {
    for (const path of [
      "/embed",
      "/embed/",
      "/embed/emit/../../lessons/emit",
      "/embedded/emit",
      "/lessons/emit?x=/embed/emit",
      "/api/health",
    ]) {
      const response = await fetch(`${origin}${path}`, { redirect: "manual" });
      expect(response.headers.get("x-frame-options"), path).toBe("DENY");
      expect(response.headers.get("content-security-policy"), path).toContain("frame-ancestors 'none'");
    }
  });

  it("refuses an inline script that has no hash", async () => {
    const { page, errors } = await watchedPage();
    await page.goto(`${origin}/lessons/emit`);
    await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "document.body.dataset.injected = 'yes'";
      document.body.append(script);
    });
    expect(await page.evaluate(() => document.body.dataset.injected)).toBeUndefined();
    expect(errors.some((error) => /Content Security Policy/.test(error))).toBe(true);
  });

  it("opens the code editor and runs code with no violation, on the page or in the sandbox", { timeout: 90_000 }, async () => {
    const { page, errors, violations } = await watchedPage();
    // The step whose exercise the code box holds: the first step keeps it closed.
    await page.goto(`${origin}/lessons/emit#check-yourself`);
    await page.evaluate(() =>
      localStorage.setItem(
        "playground:code:emit",
        'import { io } from "socket.io-client";\nconst socket = io(lab.url, lab.options);\nsocket.on("connect", () => socket.emit("greet", "hi", 42));\n',
      ),
    );
    await page.reload();
    await openCodeEditor(page, errors, 60_000);
    const playground = page.getByRole("region", { name: "Try it in code" });
    await playground.getByRole("button", { name: "Run", exact: true }).click();
    await playground.getByText("Exercise passed: the lab saw it happen.").waitFor();
    expect(await violations()).toEqual([]);
  });

  it("keeps the sandbox's code to its lab: no fetch of the control API or of another lab", { timeout: 90_000 }, async () => {
    const { page, errors } = await watchedPage();
    // The step whose exercise the code box holds: the first step keeps it closed.
    await page.goto(`${origin}/lessons/emit#check-yourself`);
    await page.evaluate(() =>
      localStorage.setItem(
        "playground:code:emit",
        [
          'const tries: Array<[string, string]> = [["api", "/api/health"], ["other lab", "/labs/someone-else/http/tick"], ["import", "/labs/someone-else/http/x.js"]];',
          "void (async () => {",
          "  for (const [name, path] of tries) {",
          "    try { if (name === 'import') (self as any).importScripts(path); else await fetch(path); console.log(name + ' reached'); }",
          "    catch { console.log(name + ' refused'); }",
          "  }",
          "})();",
        ].join("\n"),
      ),
    );
    await page.reload();
    await openCodeEditor(page, errors, 60_000);
    const playground = page.getByRole("region", { name: "Try it in code" });
    await playground.getByRole("button", { name: "Run", exact: true }).click();
    const log = playground.getByRole("log", { name: "Console" });
    for (const name of ["api", "other lab", "import"]) await log.getByText(`${name} refused`).waitFor();
    expect(await log.getByText(/reached/).count()).toBe(0);
  });
});

describe("framing", () => {
  let foreign: Server;
  let foreignOrigin: string;
  beforeAll(async () => {
    // Another site: a page on another port of the same machine that frames a lesson.
    foreign = createServer((_req, res) => {
      res.setHeader("content-type", "text/html");
      res.end(`<!doctype html><title>Not the playground</title><iframe src="${origin}/lessons/emit" width="800" height="600"></iframe>`);
    });
    await new Promise<void>((resolve) => foreign.listen(0, "127.0.0.1", resolve));
    const address = foreign.address();
    foreignOrigin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => foreign.close(() => resolve())));

  it("another site's page cannot frame /lessons/emit", async () => {
    const { page, errors } = await openPage(browser);
    const lesson = page.waitForResponse((response) => response.url() === `${origin}/lessons/emit`);
    await page.goto(foreignOrigin);
    await lesson;
    await page.waitForTimeout(500);
    const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
    const title = await frame?.evaluate(() => document.title).catch(() => undefined);
    expect(title ?? "").not.toMatch(/Socket\.IO|Emit/);
    expect(errors.some((error) => /frame-ancestors|refused to (display|frame)/i.test(error))).toBe(true);
  });
});
