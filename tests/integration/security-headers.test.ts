import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import { createLab, startServer } from "../support/server.js";

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer();
});
afterAll(() => running.close());

describe("security headers outside the pages", () => {
  it("sends nosniff, no framing and the referrer policy with the API's and the labs' answers, errors included", async () => {
    const lab = await createLab(running.origin, "why-websocket");
    for (const path of [
      "/api/health",
      `/api/labs/${lab.id}`,
      "/api/nowhere",
      `${lab.path}/?EIO=4&transport=polling`,
      `${lab.httpPath}/tick`,
    ]) {
      const response = await fetch(`${running.origin}${path}`);
      await response.arrayBuffer();
      expect(response.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(response.headers.get("x-frame-options"), path).toBe("DENY");
      expect(response.headers.get("content-security-policy"), path).toContain("frame-ancestors 'none'");
      expect(response.headers.get("referrer-policy"), path).toBe("same-origin");
    }
  });

  it("serves a code run's sandbox page with a policy naming its one worker script and its lab", async () => {
    const lab = await createLab(running.origin, "emit");
    const prefix = `/labs/${lab.id}/`;
    const query = new URLSearchParams({ lab: prefix, worker: "/_astro/sandbox-worker.abc123.js" });
    const response = await fetch(`${running.origin}/sandbox/run?${query}`);
    expect(response.status).toBe(200);
    const policy = response.headers.get("content-security-policy") ?? "";
    const host = new URL(running.origin).host;
    expect(policy).toContain(`script-src 'nonce-`);
    expect(policy).toContain(`http://${host}/_astro/sandbox-worker.abc123.js`);
    expect(policy).not.toMatch(new RegExp(`script-src[^;]*http://${host}[ ;]`));
    expect(policy).toContain(`connect-src http://${host}${prefix} https://${host}${prefix} ws://${host}${prefix} wss://${host}${prefix}`);
    expect(policy).toContain("frame-ancestors 'self'");
    const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
    expect(await response.text()).toContain(`<script nonce="${nonce}">`);
  });

  it("refuses a sandbox page for anything but a lab and a worker script", async () => {
    const queries: Record<string, string>[] = [
      { lab: "/api/", worker: "/_astro/w.js" },
      { lab: "/labs/x/", worker: "https://evil.example/w.js" },
      { lab: "/labs/x/; script-src *", worker: "/_astro/w.js" },
      { lab: "/labs/x/", worker: "/labs/x/http/w.js" },
      { lab: "/labs/x/" },
    ];
    for (const query of queries) {
      const response = await fetch(`${running.origin}/sandbox/run?${new URLSearchParams(query)}`);
      expect(response.status, JSON.stringify(query)).toBe(400);
      await response.arrayBuffer();
    }
  });
});
