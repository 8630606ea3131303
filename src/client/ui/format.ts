import type { LinkTraffic } from "../../shared/network.js";
import { describeValue } from "../../shared/wire.js";

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

/** Appends to a scrolling log list, dropping the oldest items past `keep`, and follows the newest. */
export function appendToLog(list: HTMLElement, item: HTMLElement, keep = 300): void {
  const following = list.scrollTop + list.clientHeight >= list.scrollHeight - 8;
  list.append(item);
  while (list.childElementCount > keep) list.firstElementChild?.remove();
  if (following) list.scrollTop = list.scrollHeight;
}

/** A byte count as a person reads it: exact below 10 kB, then in kB with one decimal. */
export function formatBytes(bytes: number): string {
  return bytes < 10_000 ? `${bytes.toLocaleString("en")} B` : `${(bytes / 1000).toFixed(1)} kB`;
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
