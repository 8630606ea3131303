/**
 * What a code run may send the page, and how fast. The browser has no environment to read overrides from,
 * so these are constants; docs/code-playground.md#limits gives the reasons. The worker keeps well inside
 * them (it batches and truncates); the page enforces them whatever the worker sends, since learner code can
 * reach the worker's real `postMessage` and send anything.
 */

/** A console line (or error message) longer than this is cut, with a "… (truncated, N KB)" marker. */
export const LINE_MAX_CHARS = 10 * 1024;
/** A wire packet's data longer than this is cut for the timeline (the server log shows the frame). */
export const WIRE_DATA_MAX_CHARS = 10 * 1024;

/** The worker sends its console and its wire packets at most this often, each as one message. */
export const FLUSH_MS = 100;
/** At most this many console lines, and this much of their text, go in one flush; the rest are counted. */
export const LINES_PER_FLUSH = 100;
export const CONSOLE_CHARS_PER_FLUSH = 64 * 1024;
/** At most this many wire packets, and this much of their data, go in one flush; the rest are counted. */
export const PACKETS_PER_FLUSH = 200;
export const WIRE_CHARS_PER_FLUSH = 64 * 1024;
/** At most this many uncaught errors are reported per flush; the rest are counted. */
export const ERRORS_PER_FLUSH = 5;

/**
 * What the page accepts from the sandbox per second. The worker's own batching sends about 50 messages
 * and 1.3 MB a second at most; over the soft budget the page drops messages and says how many, over the
 * hard one it stops the run: only code that went around the worker's batching gets there.
 */
export const MESSAGES_PER_SECOND = 200;
export const MESSAGES_PER_SECOND_HARD = 1000;
export const BYTES_PER_SECOND = 2 * 1024 * 1024;
export const BYTES_PER_SECOND_HARD = 16 * 1024 * 1024;
/** At most this many messages wait for the page to show them; more are dropped and counted. */
export const QUEUE_MAX = 400;
/** The page spends at most this long per frame showing what the sandbox sent. */
export const FRAME_BUDGET_MS = 8;
/** Errors marked in the editor per run: each is a Monaco decoration. */
export const MARKED_ERRORS_MAX = 20;

/** The page asks the worker for an answer this often... */
export const HEARTBEAT_MS = 500;
/** ...and stops the run when none came for this long: the worker is stuck, or its process died (out of memory). */
export const HEARTBEAT_TIMEOUT_MS = 3000;

/** The longest marker `truncate` adds: a text already cut (by the worker) passes the page's check unchanged. */
export const MARKER_MAX_CHARS = 32;

/** `text` cut to `max` characters, with a marker saying how long it was; `slack` more are let through uncut. */
export function truncate(text: string, max = LINE_MAX_CHARS, slack = 0): string {
  if (text.length <= max + slack) return text;
  return `${text.slice(0, max)}… (truncated, ${Math.ceil(text.length / 1024)} KB)`;
}
