import { SCENARIO_LIMITS } from "../../../shared/scenario/limits.js";
import { LINK_PREFIX } from "./fragment.js";
import { parseScenario, type ParsedScenario, type Scenario } from "../../../shared/scenario/schema.js";

/**
 * A scenario carried in a page's URL fragment (docs/scenario-ui.md, "Share link format"):
 * `#scenario=<base64url of the deflate-raw of its JSON>`. The fragment never reaches the server, so nothing
 * is stored there. No DOM: CompressionStream and TextEncoder exist in browsers and in Node alike.
 *
 * A link is hostile input: its length is capped before anything is decoded, the inflated JSON is capped
 * while it streams (a small link must not inflate into megabytes), and the schema reads the rest.
 */

/** The fragment's cap, in characters: the JSON's cap is a generous bound for its compressed base64url. */
export const MAX_LINK_CHARS = Math.ceil((SCENARIO_LIMITS.maxJsonBytes * 4) / 3) + LINK_PREFIX.length + 1;

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream, maxOut: number): Promise<Uint8Array> {
  const reader = new Blob([bytes as BlobPart]).stream().pipeThrough(stream).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxOut) {
      await reader.cancel();
      throw new RangeError("too large");
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
}

export { LINK_PREFIX, isScenarioFragment } from "./fragment.js";

export type EncodedLink = { ok: true; fragment: string } | { ok: false; error: string };

/** The fragment (without "#") that carries a scenario, or why it cannot be shared. */
export async function encodeScenarioFragment(scenario: Scenario): Promise<EncodedLink> {
  const json = new TextEncoder().encode(JSON.stringify(scenario));
  if (json.length > SCENARIO_LIMITS.maxJsonBytes) {
    return { ok: false, error: `This scenario is ${json.length} bytes of JSON; a link carries at most ${SCENARIO_LIMITS.maxJsonBytes}.` };
  }
  const packed = await pipe(json, new CompressionStream("deflate-raw"), Number.MAX_SAFE_INTEGER);
  const fragment = `${LINK_PREFIX}${toBase64Url(packed)}`;
  if (fragment.length > MAX_LINK_CHARS)
    return { ok: false, error: `This scenario's link would be ${fragment.length} characters; at most ${MAX_LINK_CHARS}.` };
  return { ok: true, fragment };
}

/** Reads a scenario from a fragment: the scenario, or one clear message (newer version, broken, too large). */
export async function decodeScenarioFragment(hash: string): Promise<ParsedScenario> {
  const fragment = hash.replace(/^#/, "");
  if (!fragment.startsWith(LINK_PREFIX)) return { ok: false, error: "This link carries no scenario." };
  if (fragment.length > MAX_LINK_CHARS) {
    return { ok: false, error: `This scenario link is ${fragment.length} characters long; a link may carry at most ${MAX_LINK_CHARS}.` };
  }
  const broken = "This scenario link is broken: it does not decode (was it cut short when copied?).";
  const packed = fromBase64Url(fragment.slice(LINK_PREFIX.length));
  if (!packed || packed.length === 0) return { ok: false, error: broken };
  let text: string;
  try {
    const json = await pipe(packed, new DecompressionStream("deflate-raw"), SCENARIO_LIMITS.maxJsonBytes);
    text = new TextDecoder("utf-8", { fatal: true }).decode(json);
  } catch (error) {
    if (error instanceof RangeError) {
      return {
        ok: false,
        error: `This scenario link holds more than ${SCENARIO_LIMITS.maxJsonBytes} bytes of JSON, the most a scenario may be.`,
      };
    }
    return { ok: false, error: broken };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: broken };
  }
  return parseScenario(value);
}
