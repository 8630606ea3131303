/**
 * Values crossing into and out of the sandbox are JSON, with their binary parts beside them as numbered
 * placeholders: the scheme socket.io-parser uses on the wire, so a Buffer a client sends reaches the
 * learner's handler as bytes, and bytes the handler emits leave as a binary frame.
 */
export interface Parted {
  value: unknown;
  parts: ArrayBuffer[];
}

const MAX_DEPTH = 32;

export function deconstruct(value: unknown, parts: ArrayBuffer[] = [], depth = 0): Parted {
  const walk = (item: unknown, level: number): unknown => {
    if (level > MAX_DEPTH) return null;
    if (item instanceof ArrayBuffer) return { _placeholder: true, num: parts.push(item.slice(0)) - 1 };
    if (ArrayBuffer.isView(item)) {
      const copy = new Uint8Array(item.byteLength);
      copy.set(new Uint8Array(item.buffer, item.byteOffset, item.byteLength));
      return { _placeholder: true, num: parts.push(copy.buffer) - 1 };
    }
    if (Array.isArray(item)) return item.map((element) => walk(element, level + 1));
    if (item && typeof item === "object" && !(item instanceof Date)) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(item)) out[key] = walk((item as Record<string, unknown>)[key], level + 1);
      return out;
    }
    if (typeof item === "bigint") return Number(item);
    return item;
  };
  return { value: walk(value, depth), parts };
}

/** Puts the parts back as Buffers, as Socket.IO hands binary to a Node handler. */
export function reconstruct(value: unknown, parts: ArrayBuffer[], depth = 0): unknown {
  if (depth > MAX_DEPTH) return null;
  if (Array.isArray(value)) return value.map((item) => reconstruct(item, parts, depth + 1));
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record._placeholder === true && typeof record.num === "number") {
      const part = parts[record.num];
      return part ? Buffer.from(part) : null;
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(record)) out[key] = reconstruct(record[key], parts, depth + 1);
    return out;
  }
  return value;
}
