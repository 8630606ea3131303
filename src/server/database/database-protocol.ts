/**
 * What the host and its database process say to each other (over the IPC channel, structured clone). The
 * process runs one request at a time and answers each; the host sends the next only after that answer, so
 * a request it has not sent yet is known not to have started.
 */

/** A value SQLite stores: what a parameter may be, and what a row's column holds. */
export type SqlValue = null | number | bigint | string | Uint8Array;

/** Which connection of a lab's file: the lesson's own code, or the learner's sandboxed code (tighter rules). */
export type ConnectionKind = "lesson" | "sandbox";

/**
 * The caps a connection holds: the file may not grow past `bytes`, the tables may not hold more than
 * `rows`, one query's answer may not hold more than `answerBytes` (characters of text, bytes of blobs).
 */
export interface ConnectionLimits {
  rows: number;
  bytes: number;
  answerBytes: number;
}

export type QueryOp = "exec" | "run" | "get" | "all";

export type DatabaseRequest =
  | { id: number; op: QueryOp; file: string; kind: ConnectionKind; limits: ConnectionLimits; sql: string; params: SqlValue[] }
  /** Closes the file's connections (of one kind, or all of them): the lab is going, or the learner's code stopped. */
  | { id: number; op: "close"; file: string; kind?: ConnectionKind };

/** SQLite's error, as properties: structured clone keeps an Error's message but drops `errcode` and `code`. */
export interface DatabaseErrorInfo {
  message: string;
  code?: string;
  errcode?: number;
  errstr?: string;
}

export type DatabaseAnswer = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: DatabaseErrorInfo };
