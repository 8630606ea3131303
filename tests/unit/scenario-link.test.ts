import { describe, expect, it } from "vitest";
import { SCENARIO_LIMITS } from "../../src/shared/scenario/limits.js";
import type { Scenario } from "../../src/shared/scenario/schema.js";
import {
  LINK_PREFIX,
  MAX_LINK_CHARS,
  decodeScenarioFragment,
  encodeScenarioFragment,
  isScenarioFragment,
} from "../../src/client/scenario/link/scenario-link.js";

const scenario: Scenario = {
  version: 1,
  lesson: "emit",
  title: "Alice greets Bob",
  clients: [{ name: "Alice" }, { name: "Bob" }],
  steps: [
    { type: "emit", client: "Alice", event: "greet", args: ["hello ✓"] },
    { type: "expectReceived", client: "Bob", event: "greet", args: ["hello ✓"] },
  ],
};

/** A fragment made from any text, as a hand-made (hostile) link would be. */
async function fragmentOf(text: string): Promise<string> {
  const packed = new Uint8Array(
    await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("deflate-raw"))).arrayBuffer(),
  );
  return LINK_PREFIX + Buffer.from(packed).toString("base64url");
}

describe("the scenario link codec", () => {
  it("round-trips a scenario through a base64url fragment", async () => {
    const encoded = await encodeScenarioFragment(scenario);
    expect(encoded.ok).toBe(true);
    if (!encoded.ok) return;
    expect(encoded.fragment).toMatch(/^scenario=[A-Za-z0-9_-]+$/);
    expect(isScenarioFragment(`#${encoded.fragment}`)).toBe(true);
    expect(await decodeScenarioFragment(`#${encoded.fragment}`)).toEqual({ ok: true, scenario });
  });

  it("compresses: a scenario's link is shorter than its JSON", async () => {
    const shipped: Scenario = { ...scenario, steps: Array.from({ length: 20 }, () => scenario.steps).flat() };
    const encoded = await encodeScenarioFragment(shipped);
    expect(encoded.ok && encoded.fragment.length).toBeLessThan(JSON.stringify(shipped).length);
  });

  it("says a link that does not decode is broken", async () => {
    const encoded = await encodeScenarioFragment(scenario);
    const cut = encoded.ok ? encoded.fragment.slice(0, 30) : "";
    for (const hash of ["#scenario=%%%", "#scenario=", `#${cut}`, `#${await fragmentOf("{not json")}`]) {
      const read = await decodeScenarioFragment(hash);
      expect(read.ok, hash).toBe(false);
      expect(!read.ok && read.error, hash).toMatch(/broken/);
    }
  });

  it("says a scenario from a newer version is from a newer version", async () => {
    const read = await decodeScenarioFragment(await fragmentOf(JSON.stringify({ ...scenario, version: 99 })));
    expect(read).toMatchObject({ ok: false, newerVersion: true });
    expect(!read.ok && read.error).toMatch(/newer version/);
  });

  it("names what is wrong in a link that decodes to an invalid scenario", async () => {
    const read = await decodeScenarioFragment(await fragmentOf(JSON.stringify({ ...scenario, steps: [] })));
    expect(!read.ok && read.error).toMatch(/^Not a valid scenario: steps/);
  });

  it("refuses a link longer than its cap before decoding it", async () => {
    const read = await decodeScenarioFragment(`#scenario=${"A".repeat(MAX_LINK_CHARS)}`);
    expect(!read.ok && read.error).toMatch(/at most \d+/);
  });

  it("stops inflating a small link that would inflate past the JSON cap (a zip bomb)", async () => {
    const bomb = await fragmentOf(" ".repeat(SCENARIO_LIMITS.maxJsonBytes * 50));
    expect(bomb.length).toBeLessThan(MAX_LINK_CHARS);
    const read = await decodeScenarioFragment(bomb);
    expect(!read.ok && read.error).toMatch(new RegExp(`more than ${SCENARIO_LIMITS.maxJsonBytes} bytes`));
  });

  it("refuses to make a link of a scenario over the JSON cap", async () => {
    const big = { ...scenario, description: "x".repeat(SCENARIO_LIMITS.maxJsonBytes) };
    const encoded = await encodeScenarioFragment(big);
    expect(!encoded.ok && encoded.error).toMatch(/at most/);
  });
});
