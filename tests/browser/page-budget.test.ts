import { brotliCompressSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser } from "playwright-core";
import { launchBrowser, openPage } from "../support/browser.js";
import { COURSE_SLUGS } from "../../src/shared/course.js";
import { importsOf } from "../../scripts/module-graph.mjs";

/** A page's JavaScript before the code editor opens, gzip -6 of each script it loads. */
const BUDGET_BYTES = 60 * 1024;
/**
 * A page's HTML as it crosses the network (response headers and compressed body): what a new TCP connection
 * sends in its first round trip, ten segments of 1,460 bytes. One byte more costs a whole round trip before
 * the stylesheets can even be asked for: 150 ms on Lighthouse's mobile network, and its score fell from 100
 * to 99 on every lesson page over it.
 */
const FIRST_ROUND_TRIP_BYTES = 10 * 1460;
/**
 * A lab page's first module (LabBoot.astro) and all it imports, brotli: socket.io-client and the lab session
 * (~20 KB today). It starts the clients as soon as it has loaded, so each KB more holds their handshakes
 * back ~5 ms on Lighthouse's mobile network, while it shares the line with the page's other files.
 */
const LAB_BOOT_BYTES = 22 * 1024;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

describe("page weight", () => {
  // The home page counts its live demo too: it loads once the demo is in view and the page is idle.
  for (const path of ["/", ...COURSE_SLUGS.map((slug) => `/lessons/${slug}`)]) {
    it(`${path} loads at most 60 KB gzip of JavaScript, and no editor code, before the editor opens`, async () => {
      const { page } = await openPage(browser);
      const scripts = new Map<string, number>();
      const bodies: Promise<void>[] = [];
      page.on("response", (response) => {
        if (response.request().resourceType() !== "script") return;
        bodies.push(
          response
            .body()
            .then((body) => void scripts.set(response.url(), gzipSync(body, { level: 6 }).length))
            .catch(() => undefined),
        );
      });
      await page.goto(`${inject("origin")}${path}`, { waitUntil: "networkidle" });
      // The home page's demo opens once someone is there: a mouse that moves.
      if (path === "/") await page.mouse.move(40, 300);
      if (path === "/")
        await page
          .getByRole("group", { name: "Bob" })
          .getByRole("status")
          .filter({ hasText: /^connected/ })
          .waitFor();
      await Promise.all(bodies);
      const total = [...scripts.values()].reduce((sum, bytes) => sum + bytes, 0);
      expect(total).toBeGreaterThan(0);
      expect(total).toBeLessThanOrEqual(BUDGET_BYTES);
      expect([...scripts.keys()].filter((url) => /playground|editor\.|ts\.worker|monaco/.test(url))).toEqual([]);
      await page.context().close();
    });
  }
});

describe("page HTML", () => {
  for (const path of ["/", ...COURSE_SLUGS.map((slug) => `/lessons/${slug}`)]) {
    it(`${path} arrives in one round trip: at most ${FIRST_ROUND_TRIP_BYTES} bytes of headers and compressed HTML`, async () => {
      const { page } = await openPage(browser);
      const response = await page.goto(`${inject("origin")}${path}`, { waitUntil: "domcontentloaded" });
      if (!response) throw new Error(`no response for ${path}`);
      const sizes = await response.request().sizes();
      expect(response.headers()["content-encoding"]).toBe("br");
      expect(sizes.responseHeadersSize + sizes.responseBodySize).toBeLessThanOrEqual(FIRST_ROUND_TRIP_BYTES);
      await page.context().close();
    });
  }
});

describe("a lab page's first module", () => {
  for (const slug of ["emit", "scaling"]) {
    it(`/lessons/${slug} runs it async, first, and it loads at most ${LAB_BOOT_BYTES / 1024} KB brotli`, async () => {
      const origin = inject("origin");
      const html = await (await fetch(`${origin}/lessons/${slug}`)).text();
      const scripts = [...html.matchAll(/<script type="module"( async)? src="([^"]+)"/g)];
      expect(scripts[0]?.[2]).toMatch(/\/_astro\/LabBoot\.[\w-]+\.js$/);
      expect(scripts[0]?.[1]).toBe(" async");
      // Its preload links come first too: the browser asks for them in the page's order.
      expect(html.match(/<link rel="modulepreload" href="([^"]+)"/)?.[1]).toBe(scripts[0]?.[2]);
      const seen = new Set<string>();
      const queue = [scripts[0]?.[2] ?? ""];
      let bytes = 0;
      while (queue.length > 0) {
        const path = queue.shift() ?? "";
        if (seen.has(path)) continue;
        seen.add(path);
        const code = await (await fetch(`${origin}${path}`)).text();
        bytes += brotliCompressSync(code).length;
        queue.push(...importsOf(code, path));
      }
      expect(bytes).toBeLessThanOrEqual(LAB_BOOT_BYTES);
      // And no view: the lab's own entry is not among what it loads.
      expect([...seen].filter((path) => /\/Lab\./.test(path))).toEqual([]);
    });
  }
});

describe("stylesheets", () => {
  // Over HTTP/1.1 a stylesheet holds one of the host's six connections until it has arrived, and the page
  // cannot paint before it: four of them kept the lab's first module waiting (bench/lab-open.mjs).
  const sheetsOf = async (path: string) => {
    const html = await (await fetch(`${inject("origin")}${path}`)).text();
    return [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((match) => match[1]);
  };
  let homeSheets: Promise<(string | undefined)[]> | undefined;
  for (const path of ["/", "/glossary", ...COURSE_SLUGS.map((slug) => `/lessons/${slug}`), "/embed/emit"]) {
    it(`${path} links one stylesheet, the site's, which every page shares`, async () => {
      const sheets = await sheetsOf(path);
      homeSheets ??= sheetsOf("/");
      expect(sheets).toHaveLength(1);
      expect(await homeSheets).toEqual(sheets);
    });
  }
});
