import type { Line } from "../../src/lessons/scaling/events.js";

/** A client of the Scaling lab, typed or not: it listens for the lesson's `chat` lines. */
interface ChatSocket {
  on(event: "chat", listener: (line: Line) => void): unknown;
  off(event: "chat", listener: (line: Line) => void): unknown;
}

/** The next `chat` line with this text, or a failure after `timeoutMs`. */
export function nextLine(client: ChatSocket, text: string, timeoutMs = 5000): Promise<Line> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${text}" within ${timeoutMs} ms`)), timeoutMs);
    const listener = (line: Line) => {
      if (line.text !== text) return;
      clearTimeout(timer);
      client.off("chat", listener);
      resolve(line);
    };
    client.on("chat", listener);
  });
}

/** Resolves true if `text` arrives within `ms`: for lines that must NOT arrive, next to a control that must. */
export async function arrives(client: ChatSocket, text: string, ms: number): Promise<boolean> {
  return nextLine(client, text, ms).then(
    () => true,
    () => false,
  );
}
