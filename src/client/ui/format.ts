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
