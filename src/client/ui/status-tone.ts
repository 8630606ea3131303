/**
 * The lab's one set of status colours and glyphs, defined once as `--status-<tone>` in
 * src/styles/global.css and used by every status the lab shows: a client panel, a closed part's summary,
 * the timeline's marks, the inspector. An element says its tone with `data-tone`.
 */
export type StatusTone = "connected" | "connecting" | "disconnected" | "error";
