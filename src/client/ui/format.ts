import type { LinkTraffic } from "../../shared/network.js";
import { describeValue } from "../../shared/wire.js";
import { stickToBottom, type StickToBottom } from "./stick-to-bottom.js";

/** A wall-clock time with milliseconds, for ordering what happened in a log. */
export function clockTime(at: number): string {
  const date = new Date(at);
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** Event arguments as the learner would write them: `"hi", {"x":1}`. */
export function describeArgs(args: readonly unknown[]): string {
  return args.length === 0 ? "(no arguments)" : args.map(describeValue).join(", ");
}

/** A list item element with a time stamp, ready for its content. */
export function logItem(at: number): HTMLLIElement {
  const item = document.createElement("li");
  const time = document.createElement("time");
  time.dateTime = new Date(at).toISOString();
  time.textContent = clockTime(at);
  item.append(time, " ");
  return item;
}

/** Items waiting for the next frame, per log list, and how each list follows its newest line. */
const pending = new WeakMap<HTMLElement, HTMLElement[]>();
const stickers = new WeakMap<HTMLElement, StickToBottom>();

/**
 * Appends to a scrolling log list, dropping the oldest items past `keep`, and follows the newest. Items
 * are added once per animation frame: a lab sends dozens of lines in a burst when it opens.
 */
export function appendToLog(list: HTMLElement, item: HTMLElement, keep = 300): void {
  const queued = pending.get(list);
  if (queued) {
    queued.push(item);
    // A hidden tab gets no frames: keep no more than the list would show.
    if (queued.length > keep) queued.splice(0, queued.length - keep);
    return;
  }
  pending.set(list, [item]);
  requestAnimationFrame(() => {
    const items = pending.get(list) ?? [];
    pending.delete(list);
    list.append(...items);
    while (list.childElementCount > keep) list.firstElementChild?.remove();
    let sticker = stickers.get(list);
    if (!sticker) stickers.set(list, (sticker = stickToBottom(list)));
    sticker.added();
  });
}

/** Calls `draw` with the newest value once per animation frame, however often `show` is called. */
export function perFrame<T>(draw: (value: T) => void): (value: T) => void {
  let latest: { value: T } | undefined;
  return (value) => {
    const scheduled = latest !== undefined;
    latest = { value };
    if (scheduled) return;
    requestAnimationFrame(() => {
      const { value: newest } = latest as { value: T };
      latest = undefined;
      draw(newest);
    });
  };
}

/**
 * An integer with commas between its thousands: 12,345. Not `Intl.NumberFormat` or `toLocaleString`: the
 * page's first Intl formatter loads the browser's locale data, 40-90 ms of main thread on a phone-speed CPU
 * (×4), and format.ts is imported before the lab connects (tests/browser/lab-open.test.ts).
 */
export function groupDigits(value: number): string {
  const sign = value < 0 ? "-" : "";
  return sign + String(Math.round(Math.abs(value))).replace(/\B(?=(\d{3})+$)/g, ",");
}

/** A byte count as a person reads it: exact below 10 kB, then in kB with one decimal. */
export function formatBytes(bytes: number): string {
  return bytes < 10_000 ? `${groupDigits(bytes)} B` : `${(bytes / 1000).toFixed(1)} kB`;
}

/** "4 HTTP requests · 1 WebSocket · 1,203 B up · 56.1 kB down" */
export function describeTraffic(traffic: LinkTraffic): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return [
    plural(traffic.requests, "HTTP request"),
    plural(traffic.websockets, "WebSocket"),
    `${formatBytes(traffic.bytesToServer)} up`,
    `${formatBytes(traffic.bytesToClient)} down`,
  ].join(" · ");
}
