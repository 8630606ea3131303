import { readdirSync, statSync } from "node:fs";
import { describe, expect, inject, it } from "vitest";

const origin = () => inject("origin");
const ASSETS = new URL("../../dist/client/_astro/", import.meta.url);

/** Every script of the build worth compressing, the editor's workers included. */
const scripts = readdirSync(ASSETS).filter((name) => name.endsWith(".js") && statSync(new URL(name, ASSETS)).size >= 1024);

async function encodingOf(path: string, acceptEncoding: string): Promise<string | null> {
  const response = await fetch(`${origin()}${path}`, { headers: { "accept-encoding": acceptEncoding } });
  await response.arrayBuffer();
  expect(response.status).toBe(200);
  return response.headers.get("content-encoding");
}

describe("compressed static files from the one-port server", () => {
  it("includes the code editor's workers among the compressed scripts", () => {
    expect(scripts.some((name) => name.startsWith("ts.worker"))).toBe(true);
    expect(scripts.some((name) => name.startsWith("editor.worker"))).toBe(true);
  });

  it("sends every script as brotli to a browser that accepts it, gzip to one that accepts only gzip, and plain otherwise", async () => {
    for (const name of scripts) {
      expect(await encodingOf(`/_astro/${name}`, "gzip, deflate, br"), name).toBe("br");
      expect(await encodingOf(`/_astro/${name}`, "gzip"), name).toBe("gzip");
      expect(await encodingOf(`/_astro/${name}`, "identity"), name).toBeNull();
    }
  });

  it("sends lesson pages compressed, revalidated rather than cached for good", async () => {
    const response = await fetch(`${origin()}/lessons/emit`, { headers: { "accept-encoding": "br" } });
    expect(response.headers.get("content-encoding")).toBe("br");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(response.headers.get("vary")).toBe("accept-encoding");
    expect(await response.text()).toMatch(/<h1[^>]*>Emit<\/h1>/);
  });

  it("answers a repeat request with 304 when the ETag matches", async () => {
    const first = await fetch(`${origin()}/lessons/emit`, { headers: { "accept-encoding": "br" } });
    await first.arrayBuffer();
    const again = await fetch(`${origin()}/lessons/emit`, {
      headers: { "accept-encoding": "br", "if-none-match": first.headers.get("etag") ?? "" },
    });
    expect(again.status).toBe(304);
  });
});
