import { isBinary } from "../shared/wire.js";

export type ParsedArguments = { ok: true; args: unknown[] } | { ok: false; error: string };

/** `{"$bytes": [1, 2, 3]}` in the arguments box stands for binary data: a Uint8Array of those bytes. */
function reviveBytes(_key: string, value: unknown): unknown {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const bytes = (value as { $bytes?: unknown }).$bytes;
    if (keys.length === 1 && Array.isArray(bytes)) {
      if (!bytes.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
        throw new SyntaxError("$bytes must be a list of integers from 0 to 255");
      }
      return Uint8Array.from(bytes as number[]);
    }
  }
  return value;
}

/**
 * Reads the "Arguments (JSON)" box: arguments separated by commas, as they would be written in code,
 * e.g. `"hi", {"x": 1}, 42`. Empty means no arguments.
 */
export function parseArguments(text: string): ParsedArguments {
  if (text.trim() === "") return { ok: true, args: [] };
  try {
    const args = JSON.parse(`[${text}]`, reviveBytes) as unknown[];
    return { ok: true, args };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `Not valid JSON arguments: ${reason}. Write them as in code, e.g. "hi", {"x": 1}` };
  }
}

/**
 * Arguments as a scenario keeps them (JSON): each binary value as `{"$bytes": [...]}`, the Arguments box's own
 * notation, so a recorded binary emit plays back as binary (`reviveArguments`).
 */
export function jsonArguments(args: readonly unknown[]): unknown[] {
  return JSON.parse(
    JSON.stringify(args, (_key, value: unknown) => {
      if (!isBinary(value)) return value;
      const view = ArrayBuffer.isView(value) ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : new Uint8Array(value);
      return { $bytes: Array.from(view) };
    }),
  ) as unknown[];
}

/** A scenario's JSON arguments as an emit sends them: every `{"$bytes": [...]}` a Uint8Array, as the box reads it. */
export function reviveArguments(args: readonly unknown[]): unknown[] {
  return JSON.parse(JSON.stringify(args), reviveBytes) as unknown[];
}

/** Roughly the bytes an emit puts on the wire: its JSON text plus any binary attachments. */
export function payloadBytes(event: string, args: readonly unknown[]): number {
  let binary = 0;
  const json = JSON.stringify([event, ...args], (_key, value: unknown) => {
    if (!isBinary(value)) return value;
    binary += value.byteLength;
    return { _placeholder: true, num: 0 };
  });
  return new TextEncoder().encode(json).length + binary;
}
