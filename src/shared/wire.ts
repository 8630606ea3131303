/**
 * How Engine.IO and Socket.IO frames look on the wire, for logs a learner reads.
 * An Engine.IO message frame is the digit 4 followed by the Socket.IO packet, e.g. `42["editing","hi"]`.
 */

export type FrameData = string | ArrayBuffer | ArrayBufferView;

function byteLength(data: ArrayBuffer | ArrayBufferView): number {
  return data.byteLength;
}

/** The frame of an Engine.IO `message` packet; binary attachments travel as their own frames. */
export function messageFrame(data: FrameData): string {
  if (typeof data === "string") return `4${data}`;
  return `<binary frame, ${byteLength(data)} bytes>`;
}

function hexPreview(bytes: Uint8Array, max = 16): string {
  const shown = Array.from(bytes.subarray(0, max), (b) => b.toString(16).padStart(2, "0")).join(" ");
  return bytes.length > max ? `${shown} …` : shown;
}

function asBytes(value: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

export function isBinary(value: unknown): value is ArrayBuffer | ArrayBufferView {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

/** A readable rendering of one event argument: JSON, with binary shown as bytes rather than as an object. */
export function describeValue(value: unknown): string {
  if (isBinary(value)) {
    const bytes = asBytes(value);
    // The type matters to the learner: a browser receives an ArrayBuffer, Node a Buffer.
    return `<${value.constructor.name} ${bytes.length} bytes: ${hexPreview(bytes)}>`;
  }
  if (value === undefined) return "undefined";
  if (value instanceof Error) return `Error: ${value.message}`;
  if (typeof value === "function") return "<acknowledgement callback>";
  // The holder's own value, because JSON.stringify hands the replacer a Buffer already turned by its toJSON.
  const text = JSON.stringify(value, function (this: Record<string, unknown>, key: string, inner: unknown) {
    const original = key === "" ? value : this[key];
    return isBinary(original) ? `<binary ${asBytes(original).length} bytes>` : inner;
  });
  return text ?? String(value);
}

/** Cuts a long text for display, saying how much was left out. */
export function truncate(text: string, max = 1000): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}
